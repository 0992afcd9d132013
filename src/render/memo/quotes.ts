import type { Heading, Nodes, Paragraph, Root, RootContent } from 'mdast'
import { visit } from 'unist-util-visit'
import type { VFile } from 'vfile'
import { location } from 'vfile-location'
import { editDistance } from '../../did-you-mean.js'
import { remember } from '../../remember.js'
import { isItemKind } from '../../plugins/remark-items.js'
import type { Position } from '../../types.js'
import { sentences } from './sentences.js'

/** A sentence of the report, and where it starts in the source. */
export interface ReportSentence {
  text: string
  place: Position
}

/**
 * The sentences of the report's paragraphs, in order: all of them, or those
 * under the heading `section` (undefined when no heading has that id). An
 * item's lead is its label, not a sentence of its body, so it is left out.
 */
export function reportSentences(tree: Root, file: VFile, section?: string): ReportSentence[] | undefined {
  // Each definition quotes from the same tree: its sentences are found once.
  let found = foundSentences.get(tree)
  if (!found) foundSentences.set(tree, (found = new Map()))
  if (!found.has(section)) found.set(section, sentencesOf(tree, file, section))
  return found.get(section)
}

const foundSentences = new WeakMap<Root, Map<string | undefined, ReportSentence[] | undefined>>()

function sentencesOf(tree: Root, file: VFile, section?: string): ReportSentence[] | undefined {
  const scope = section === undefined ? tree.children : sectionContent(tree, section)
  if (scope === undefined) return undefined
  const source = String(file.value)
  const where = location(file)
  const result: ReportSentence[] = []
  for (const node of scope) {
    visit(node, 'paragraph', (paragraph: Paragraph) => {
      const start = paragraph.position?.start.offset ?? 0
      const end = paragraph.position?.end.offset ?? start
      let cursor = start
      for (const text of sentences(plainText(paragraph))) {
        // Its first words in the Markdown, when they are written plainly; else where the search stands.
        const found = openingPattern(text).exec(source.slice(cursor, end))
        if (found) cursor += found.index
        const point = where.toPoint(cursor) ?? paragraph.position!.start
        result.push({ text, place: { start: { ...point, offset: cursor }, end: { ...point, offset: cursor } } })
        if (found) cursor += found[0].length
      }
    })
  }
  return result
}

/** The blocks under a heading, up to the next heading of its rank or above. */
function sectionContent(tree: Root, id: string): RootContent[] | undefined {
  const start = tree.children.findIndex((node) => node.type === 'heading' && node.data?.id === id)
  if (start === -1) return undefined
  const depth = (tree.children[start] as Heading).depth
  const end = tree.children.findIndex((node, index) => index > start && node.type === 'heading' && node.depth <= depth)
  return tree.children.slice(start + 1, end === -1 ? undefined : end)
}

/** A paragraph's words without the lead of an item it opens. */
function plainText(node: Nodes): string {
  if (node.type === 'textDirective' && isItemKind(node.name)) return ''
  if ('children' in node) return node.children.map(plainText).join('')
  return 'value' in node && node.type !== 'html' ? node.value : ''
}

function openingPattern(text: string): RegExp {
  const words = text.split(' ').slice(0, 3).map((word) => word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
  return new RegExp(words.join('\\s+'))
}

/** What a quoted opening names in the report. */
export type QuoteMatch =
  | { found: ReportSentence }
  | { ambiguous: ReportSentence[] }
  | { missing: true; closest?: ReportSentence }

/**
 * The sentence that starts with `opening`, compared without regard to case,
 * spacing or the shape of quotes and apostrophes. Several sentences that
 * start so are ambiguous unless they are the same sentence; when none does,
 * the closest is the sentence whose opening is fewest edits away.
 */
export function findQuote(opening: string, candidates: ReportSentence[]): QuoteMatch {
  const wanted = fold(opening).replace(/(?:…|\.\.\.)$/, '').trim()
  const matches = candidates.filter((sentence) => folded(sentence).startsWith(wanted))
  if (matches.length > 0 && matches.every((match) => match.text === matches[0].text)) return { found: matches[0] }
  if (matches.length > 1) return { ambiguous: matches }
  let closest: { sentence: ReportSentence; distance: number } | undefined
  for (const sentence of candidates) {
    const distance = editDistance(wanted, folded(sentence).slice(0, wanted.length))
    if (!closest || distance < closest.distance) closest = { sentence, distance }
  }
  return { missing: true, closest: closest?.sentence }
}

/** A sentence folded, once: every quote of every definition is compared with each. */
function folded(sentence: ReportSentence): string {
  return remember(foldedTexts, sentence.text, 5000, () => fold(sentence.text))
}

const foldedTexts = new Map<string, string>()

function fold(text: string): string {
  return text.replace(/[‘’ʼ]/g, "'").replace(/[“”]/g, '"').replace(/\s+/g, ' ').trim().toLowerCase()
}
