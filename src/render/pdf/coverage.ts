import type { Nodes, Root, Yaml } from 'mdast'
import type { Position } from 'unist'
import { visitParents } from 'unist-util-visit-parents'
import type { VFile } from 'vfile'
import { cjkFaces, glyphCoverage, resolveFonts, type FontFaces } from '../../fonts.js'
import { problem } from '../../message.js'
import { shownImages } from '../../plugins/remark-images.js'
import type { TemplateLayers } from '../../templates.js'
import { cjkSegments, hanLanguage, type CjkLanguage } from '../../text.js'
import type { PdfTemplate } from './template.js'

/**
 * For each main family, the faces that set the characters it lacks.
 * Computed once before conversion so that handlers stay pure.
 */
export interface Coverage {
  families: Record<string, FontFaces>
  fontFor: Record<string, Fallbacks>
}

/** How text set in one main family finds a face for the characters the family lacks. */
export interface Fallbacks {
  /** The language Han with no kana or Hangul beside it is read in (`hanLanguage`). */
  han: CjkLanguage
  /**
   * The face that sets each character the family lacks, by the language of
   * the CJK text it is in (`undefined` outside CJK text), or `null` when no
   * face has it.
   */
  faceFor: Map<CjkLanguage | undefined, Map<number, string | null>>
}

/** Characters nobody draws a glyph for: controls, spaces, joiners, selectors. */
const invisible = /[\p{Cc}\p{Zs}\p{Zl}\p{Zp}\u00ad\u200b-\u200d\u2060\ufe00-\ufe0f\ufeff]/gu

/** Text and the family it is set in. */
export type FaceText = [text: string, family: string]

/**
 * Load the template's families and, only when the document needs them, its
 * fallbacks; warn (with the source position) about every character no font
 * covers in the face it is set in, rather than leave a silent gap in print.
 * CJK text falls back first to the face of its language (`cjkFaces`), so
 * that Han is drawn as Japanese, Korean or Chinese readers write it.
 * `frontMatter` is the front matter as printed (cover, running head), which
 * is reported at the front matter block.
 */
export function checkCoverage(tree: Root, file: VFile, template: PdfTemplate, templates: TemplateLayers, frontMatter: FaceText[]): Coverage {
  const mainFamilies = [...new Set([template.fonts.text, template.fonts.display, template.fonts.code])]
  const families = resolveFonts(templates, mainFamilies)
  const yaml = tree.children.find((node) => node.type === 'yaml')
  const located: Located[] = [...frontMatter.map(([text, family]): Located => [text, family, yaml]), ...texts(tree, template.fonts, svgTexts(file))]
  const han = hanLanguage(file.data.meta?.language, located.map(([text]) => text).join('\n'))
  const used = new Map<CjkLanguage | undefined, Set<number>>()
  for (const [text] of located) {
    for (const [segment, language] of cjkSegments(text, han)) {
      if (!used.has(language)) used.set(language, new Set())
      const codePoints = used.get(language)!
      for (const char of segment.replace(invisible, '')) codePoints.add(char.codePointAt(0)!)
    }
  }
  const usedAnywhere = new Set([...used.values()].flatMap((codePoints) => [...codePoints]))

  // Fallbacks are resolved up front but their files opened only when a
  // character needs one; a fallback never needed is not embedded.
  const fallbacks = resolveFonts(templates, template.fonts.fallback)
  const fallbackCoverage = new Map<string, Set<number>>()
  const coversFallback = (fallback: string, codePoint: number) => {
    if (!fallbackCoverage.has(fallback)) fallbackCoverage.set(fallback, glyphCoverage(fallbacks[fallback].normal, usedAnywhere))
    return fallbackCoverage.get(fallback)!.has(codePoint)
  }
  const languageFaces = cjkFaces(templates, template.fonts.fallback)
  const fallbackOrder = (language: CjkLanguage | undefined) => {
    const own = language && languageFaces[language]
    return own ? [own, ...template.fonts.fallback.filter((fallback) => fallback !== own)] : template.fonts.fallback
  }
  const needed = new Set<string>()
  const fontFor: Coverage['fontFor'] = {}
  for (const family of mainFamilies) {
    const covered = glyphCoverage(families[family].normal, usedAnywhere)
    const faceFor: Fallbacks['faceFor'] = new Map()
    for (const [language, codePoints] of used) {
      const order = fallbackOrder(language)
      const table = new Map<number, string | null>()
      for (const codePoint of codePoints) {
        if (covered.has(codePoint)) continue
        const found = order.find((fallback) => coversFallback(fallback, codePoint)) ?? null
        if (found) needed.add(found)
        table.set(codePoint, found)
      }
      faceFor.set(language, table)
    }
    fontFor[family] = { han, faceFor }
  }
  for (const fallback of needed) families[fallback] = fallbacks[fallback]

  // Each character no face has is reported where it first is; when every character has a face, the texts are not read again.
  const lacking = Object.values(fontFor).some(({ faceFor }) => [...faceFor.values()].some((table) => [...table.values()].includes(null)))
  const reported = new Set<string>()
  for (const [value, family, node] of lacking ? located : []) {
    for (const [segment, language] of cjkSegments(value, han)) {
      const table = fontFor[family].faceFor.get(language)
      for (const char of segment) {
        const codePoint = char.codePointAt(0)!
        if (table?.get(codePoint) !== null) continue
        const key = `${family} ${codePoint}`
        if (reported.has(key)) continue
        reported.add(key)
        const name = `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`
        const place = node?.type === 'yaml' ? placeIn(node, char) : node
        problem(file, `Unexpected character ${name} (“${char}”) that no print font covers, expected one of ${[family, ...template.fonts.fallback].join(', ')} to have it`, place, 'pdf-missing-glyph', { fatal: false, source: 'dossier-pdf' })
      }
    }
  }
  return { families, fontFor }
}

/** Text, the family it is set in, and the node it comes from. */
type Located = [text: string, family: string, node: Nodes | undefined]

/** The text of each SVG the report shows, by its URL. */
function svgTexts(file: VFile): Map<string, string> {
  const found = new Map<string, string>()
  for (const [url, image] of shownImages(file)) if (image.text) found.set(url, image.text)
  return found
}

/** The tree's printed text in its face: headings, tables and captions in the display face, code in the code face, SVGs' words in the display face. */
function texts(tree: Root, fonts: PdfTemplate['fonts'], svgs: Map<string, string>): Located[] {
  const found: Located[] = []
  visitParents(tree, (node, ancestors) => {
    const display = ancestors.some((ancestor) => ancestor.type === 'heading' || ancestor.type === 'table' || ancestor.type === 'figureCaption')
    const family = display ? fonts.display : fonts.text
    if (node.type === 'text') found.push([node.value, family, node])
    if (node.type === 'inlineCode' || node.type === 'code') found.push([node.value, fonts.code, node])
    if (node.type === 'image' && node.alt) found.push([node.alt, fonts.display, node])
    if (node.type === 'image' && svgs.get(node.url)) found.push([svgs.get(node.url)!, fonts.display, node])
  })
  return found
}

/** Where `char` first is in the front matter, else the whole block. */
function placeIn(yaml: Yaml, char: string): Position | undefined {
  const start = yaml.position?.start
  const index = yaml.value.indexOf(char)
  if (!start || index < 0) return yaml.position
  // The value begins on the line after the opening `---`.
  const before = yaml.value.slice(0, index)
  const line = start.line + before.split('\n').length
  const column = index - before.lastIndexOf('\n')
  const offset = (start.offset ?? 0) + 4 + index
  return { start: { line, column, offset }, end: { line, column: column + char.length, offset: offset + char.length } }
}
