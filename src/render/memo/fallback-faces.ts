import type { Content, TDocumentDefinitions } from 'pdfmake/interfaces.js'
import { cjkFaces, openFont, resolveFonts, type FontFaces } from '../../fonts.js'
import type { TemplateLayers } from '../../templates.js'
import { cjkSegments, hanLanguage, type CjkLanguage } from '../../text.js'
import type { Fallbacks } from '../pdf/coverage.js'
import { textRuns } from '../pdf/text-runs.js'
import { isRecord } from './read-fields.js'

/**
 * The faces a memo's PDF is set in, with a face for each character its own
 * faces lack: pdfmake leaves such a character out without a word, so a
 * Japanese, Chinese or Korean report's memo would print its labels and no
 * text. CJK text goes to the face of its language (`language` in
 * `fonts.json`), anything else a face lacks to the first CJK face that has
 * it. A fallback face is opened only when a character needs it.
 */
export interface PdfFaces {
  /** The memo's families and every fallback, for pdfmake (a face is read only when used). */
  fonts: Record<string, FontFaces>
  /** The definition with each run a face lacks characters of cut, and those set in a face that has them. */
  apply(definition: TDocumentDefinitions): TDocumentDefinitions
}

export function pdfFaces(templates: TemplateLayers, fonts: Record<string, FontFaces>, language: string | undefined): PdfFaces {
  const byLanguage = cjkFaces(templates)
  const fallbacks = resolveFonts(templates, [...new Set(Object.values(byLanguage))])
  const all = { ...fallbacks, ...fonts }
  const covered = new Map<string, Map<number, boolean>>()
  const has = (family: string, codePoint: number) => {
    let table = covered.get(family)
    if (!table) covered.set(family, (table = new Map()))
    let found = table.get(codePoint)
    if (found === undefined) table.set(codePoint, (found = openFont(all[family].normal).hasGlyphForCodePoint(codePoint)))
    return found
  }
  /** The face for a character `family` lacks, in text of `cjk`'s language (if any); null when no face has it. */
  const faceFor = (family: string, codePoint: number, cjk: CjkLanguage | undefined) => {
    const own = cjk && byLanguage[cjk]
    const order = own ? [own, ...Object.keys(fallbacks).filter((name) => name !== own)] : Object.keys(fallbacks)
    return order.find((name) => has(name, codePoint)) ?? null
  }
  const lacks = (text: string, family: string) => [...text].some((char) => !/\s/u.test(char) && !has(family, char.codePointAt(0)!))
  /** For one definition: the language its Han is read in, and each family's fallbacks, filled in as text needs them. */
  const fallbacksOf = (han: CjkLanguage) => {
    const tables = new Map<string, Fallbacks>()
    return (family: string, text: string): Fallbacks => {
      let table = tables.get(family)
      if (!table) tables.set(family, (table = { han, faceFor: new Map() }))
      for (const [segment, cjk] of cjkSegments(text, han)) {
        let faces = table.faceFor.get(cjk)
        if (!faces) table.faceFor.set(cjk, (faces = new Map()))
        for (const char of segment) {
          const codePoint = char.codePointAt(0)!
          if (!faces.has(codePoint) && !/\s/u.test(char) && !has(family, codePoint)) faces.set(codePoint, faceFor(family, codePoint, cjk))
        }
      }
      return table
    }
  }

  /**
   * Inline text (a string, a run, or an array of them) in `family`, cut
   * where it needs another face, as the print edition cuts it (`textRuns`:
   * Korean words kept whole).
   */
  const inlines = (text: unknown, family: string, fallbacksFor: ReturnType<typeof fallbacksOf>): unknown => {
    if (typeof text === 'string') return lacks(text, family) ? textRuns(text, family, fallbacksFor(family, text)) : text
    if (!Array.isArray(text)) return text
    return text.flatMap((run: unknown) => {
      if (typeof run === 'string') return [inlines(run, family, fallbacksFor)].flat()
      if (!isRecord(run)) return [run]
      const font = typeof run.font === 'string' ? run.font : family
      if (typeof run.text !== 'string') return [{ ...run, text: inlines(run.text, font, fallbacksFor) }]
      if (!lacks(run.text, font)) return [run]
      return textRuns(run.text, font, fallbacksFor(font, run.text)).map((piece) => ({ ...run, ...piece }))
    })
  }
  /** A block and what it holds. */
  const block = (node: unknown, family: string, fallbacksFor: ReturnType<typeof fallbacksOf>): unknown => {
    if (typeof node === 'string') return lacks(node, family) ? { text: inlines(node, family, fallbacksFor) } : node
    if (Array.isArray(node)) return node.map((child) => block(child, family, fallbacksFor))
    if (!isRecord(node)) return node
    const font = typeof node.font === 'string' ? node.font : family
    const copy: Record<string, unknown> = { ...node }
    if ('text' in copy) copy.text = inlines(copy.text, font, fallbacksFor)
    for (const key of ['stack', 'columns', 'ul', 'ol']) if (Array.isArray(copy[key])) copy[key] = block(copy[key], font, fallbacksFor)
    const table = copy.table
    if (isRecord(table) && Array.isArray(table.body)) copy.table = { ...table, body: table.body.map((row: unknown) => block(row, font, fallbacksFor)) }
    return copy
  }

  return {
    fonts: all,
    apply(definition) {
      const family = String(definition.defaultStyle?.font ?? Object.keys(fonts)[0])
      // Han with no kana or Hangul beside it is read in one language for the whole memo, as in the print edition.
      const fallbacksFor = fallbacksOf(hanLanguage(language, JSON.stringify(definition.content)))
      const background = definition.background
      return {
        ...definition,
        content: block(definition.content, family, fallbacksFor) as Content,
        background: typeof background === 'function' ? (...args: Parameters<typeof background>) => block(background(...args), family, fallbacksFor) as Content : background
      }
    }
  }
}
