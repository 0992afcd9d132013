import type { Content, ContentText } from 'pdfmake/interfaces.js'
import { cjkRegionalTag, cjkSegments, type CjkLanguage } from '../../text.js'

/**
 * The structure of a tagged PDF as pdfmake content carries it. Every piece
 * of content that is part of the document (a run of text, an image, a list
 * bullet) has a `tag`: the path of structure elements from the document
 * down to the one it belongs to. Content without a tag is an artifact
 * (running heads, folios, rules, backgrounds). `tagged-render.ts` turns
 * the paths into the PDF's structure tree as pdfmake draws the pages, so
 * the converters say what a thing is and never where it lands.
 */

/** The standard structure types dossier uses (ISO 32000-1, 14.8.4). */
export type StructRole =
  | 'Document'
  | 'H1'
  | 'H2'
  | 'H3'
  | 'H4'
  | 'H5'
  | 'H6'
  | 'P'
  | 'L'
  | 'LI'
  | 'Lbl'
  | 'LBody'
  | 'Table'
  | 'TR'
  | 'TH'
  | 'TD'
  | 'Figure'
  | 'Caption'
  | 'BlockQuote'
  | 'Code'
  | 'Link'
  | 'Note'
  | 'TOC'
  | 'TOCI'
  | 'Span'

/** One structure element. The same element is repeated on every piece of its content; its `key` says which. */
export interface StructElement {
  /**
   * Where the element stands among its siblings in reading order, and its
   * identity: keys compare element by element (`[2, 7] < [2, 7, 1] < [2, 8]`).
   */
  key: number[]
  role: StructRole
  /** Alternate text: what a figure shows. */
  alt?: string
  /** The language of the element's text, where it differs from the document's. */
  lang?: string
  /** Replacement text: what a drawn list bullet says. */
  actual?: string
  /** A header cell's scope. */
  scope?: 'Column' | 'Row'
  /** A note's identifier, unique in the document (PDF/UA asks every `Note` for one). */
  id?: string
  /** A link's description, for its annotations (PDF/UA asks every link annotation for one). */
  contents?: string
}

/** The elements from the document's root (left out) down to the one content belongs to. */
export type StructPath = StructElement[]

/** The parts of a document, in reading order: the first number of every key. */
export const structParts = { cover: 1, imprint: 2, contents: 3, body: 4, memo: 5 } as const

/** Makes elements for one part of the document, numbered in the order they are made. */
export type ElementMaker = (role: StructRole, attributes?: Omit<StructElement, 'key' | 'role'>) => StructElement

export function elementMaker(part: number): ElementMaker {
  let next = 0
  return (role, attributes = {}) => ({ ...attributes, key: [part, ++next], role })
}

/** An element read right after `sibling`, among its siblings: a note after the paragraph that cites it. */
export function elementAfter(sibling: StructElement, count: number, role: StructRole, attributes: Omit<StructElement, 'key' | 'role'> = {}): StructElement {
  return { ...attributes, key: [...sibling.key, count], role }
}

/** Content that can carry a tag: a run of text, an image, a drawn shape. */
interface Taggable {
  tag?: StructPath
}

/** Give every run of `runs` that has no tag yet the path `path`. Runs are changed in place and returned. */
export function tagRuns<T>(runs: T[], path: StructPath): T[] {
  for (const run of runs) {
    if (run && typeof run === 'object' && !(run as Taggable).tag) (run as Taggable).tag = path
  }
  return runs
}

/**
 * Mark the runs of CJK text in a language other than the document's as a
 * `Span` in their language (`ko-KR`), so that a screen reader switches
 * voice. Runs of one passage share a span, with the spaces between its
 * words. `han` is the language Han alone is read in (`hanLanguage`).
 */
export function languageSpans<T extends { text?: unknown }>(runs: T[], path: StructPath, documentLanguage: string, han: CjkLanguage, make: ElementMaker): T[] {
  let span: StructElement | undefined
  for (const run of runs) {
    const text = typeof run.text === 'string' ? run.text : ''
    const language = cjkSegments(text, han).find(([, found]) => found)?.[1]
    const tag = language ? cjkRegionalTag[language] : undefined
    if (!tag) {
      // A space between two words of one passage stays in its span.
      if (!/^\s+$/u.test(text)) span = undefined
      ;(run as Taggable).tag = span ? [...path, span] : path
      continue
    }
    if (primary(tag) === primary(documentLanguage)) {
      span = undefined
      ;(run as Taggable).tag = path
      continue
    }
    if (span?.lang !== tag) span = make('Span', { lang: tag })
    ;(run as Taggable).tag = [...path, span]
  }
  return runs
}

function primary(tag: string): string {
  return tag.toLowerCase().split('-')[0]
}

/** A block of text whose runs (strings too) all belong to `path`: the same block, tagged. */
export function taggedText<T extends ContentText>(block: T, path: StructPath): T {
  const runs: Content[] = Array.isArray(block.text) ? block.text : [block.text]
  return { ...block, text: tagRuns(runs.map((run) => (typeof run === 'string' ? { text: run } : run)), path) }
}
