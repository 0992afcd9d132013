import { createHash } from 'node:crypto'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Root } from 'mdast'
import type { PageNumberEstimator } from 'docx'
import { estimatePageNumbersWith } from 'docx/layout'
import { EXIT, visit } from 'unist-util-visit'
import type { VFile } from 'vfile'
import { keptMap } from '../../disk-cache.js'
import { knownCodeKey } from '../../compile-cache.js'
import { cjkFaces, faceHash, readFont, resolveFonts } from '../../fonts.js'
import { shownImages } from '../../plugins/remark-images.js'
import type { TemplateLayers } from '../../templates.js'
import { cjkLanguageOf, cjkRegionalTag, cjkSegments, hanLanguage, type CjkLanguage } from '../../text.js'
import type { Renderer, RenderContext, ReportMeta } from '../../types.js'
import { embedLater, packDocx } from './pack.js'
import type { EastAsian } from './state.js'
import { loadDocxTemplate, type DocxTemplate } from './styles.js'
import { withSvgFallbacks } from './svg-fallbacks.js'
import { toDocx, type EmbeddedFont } from './to-docx.js'

/**
 * The Word edition, `NAME.docx`: named styles from `templates/docx/`,
 * numbered lists, a table of contents with its page numbers, footnotes,
 * bookmarks on every heading and item. The fonts it is set in are
 * embedded, so it looks, and paginates, the same wherever it is opened.
 */
export const renderer: Renderer = {
  format: 'docx',
  description: 'the Word edition, in named styles an editor can keep working in',
  async render(tree: Root, file: VFile, context: RenderContext) {
    const loaded = await loadDocxTemplate(file, context)
    if (!loaded) return []
    const meta = file.data.meta!
    const { template, eastAsian, languages } = eastAsianText(loaded, context.templates, tree, meta)
    // Async work before the walk, so builders stay synchronous; the images
    // were read by `remarkImages`, and SVGs get a PNG to stand in for them.
    const images = withSvgFallbacks(shownImages(file), template, context.templates, eastAsian.han)
    const eastAsia = languages.map((language) => eastAsian.faces[language] ?? template.faces.eastAsia)
    const fonts = await embeddedFonts(template, context.templates, { eastAsia, code: hasCode(tree) })
    // The layout guesses past what it cannot measure as Word does (a symbol
    // no embedded face has) rather than leave the later page numbers blank.
    // It measures text in the faces themselves: the document gets stand-ins
    // for them, which `packDocx` replaces, so that docx need not deflate them.
    const faces = faceFiles(fonts)
    const estimate = estimatePageNumbers({ guess: true, fonts: faces, keptLines: keptLinesOf(faces, file.path) })
    // Without its `listNumbers`: those are the numbers of numbered headings
    // for their contents entries, and no heading here is numbered (only list
    // paragraphs are), so docx would read the whole document to find none.
    const pageNumbers: PageNumberEstimator = (body, context) => estimate(body, context)
    const document = toDocx(tree, file, { template, eastAsian, images, fonts: fonts.map(embeddedWhenPacked), pageNumbers })
    const data = await packDocx(document, context.date, { language: meta.language })
    return [{ path: `${context.name}.docx`, data, title: 'Word edition' }]
  },
  async check(_tree: Root, file: VFile, context: RenderContext) {
    await loadDocxTemplate(file, context)
  }
}

/**
 * The CJK text of the report: the languages it is in, and the East Asian
 * face of each, the template's own for its language, else the first family
 * of `fonts.json` for it. In a report with CJK text, the styles' East Asian
 * defaults become the report's language (or, in a report in another
 * language, the one Han alone is read in) and its face.
 */
function eastAsianText(template: DocxTemplate, templates: TemplateLayers, tree: Root, meta: ReportMeta): { template: DocxTemplate; eastAsian: EastAsian; languages: CjkLanguage[] } {
  // Each node's text apart, so that CJK runs of two paragraphs do not join into one.
  const texts = [JSON.stringify(meta)]
  visit(tree, (node) => {
    if (node.type === 'image' && node.alt) texts.push(node.alt)
    else if (node.type !== 'yaml' && 'value' in node) texts.push(node.value)
  })
  const text = texts.join('\n')
  const han = hanLanguage(meta.language, text)
  const faces = { ...cjkFaces(templates), ...cjkFaces(templates, [template.faces.eastAsia]) }
  const found = new Set(cjkSegments(text, han).map(([, language]) => language))
  const languages = (Object.keys(cjkRegionalTag) as CjkLanguage[]).filter((language) => found.has(language))
  // What Word sets in the defaults: the table of contents, code blocks.
  const main = cjkLanguageOf(meta.language) ?? (languages.length > 0 ? han : undefined)
  const defaults = main && { faces: { ...template.faces, eastAsia: faces[main] ?? template.faces.eastAsia }, eastAsiaLanguage: cjkRegionalTag[main] }
  return { template: { ...template, ...defaults }, eastAsian: { han, faces }, languages }
}

/**
 * The families the template embeds: the East Asian faces the report's CJK
 * text is set in (six to ten megabytes a face), each only its regular
 * face, which Word and LibreOffice embolden where needed; the code face
 * only when there is code.
 */
async function embeddedFonts(template: DocxTemplate, templates: TemplateLayers, needed: { eastAsia: string[]; code: boolean }): Promise<EmbeddedFont[]> {
  const families = [
    ...new Set(
      template.embed
        .flatMap((role) => (role === 'eastAsia' ? needed.eastAsia : role === 'code' && !needed.code ? [] : [template.faces[role]]))
        .filter((family): family is string => Boolean(family))
    )
  ]
  const faces = resolveFonts(templates, families)
  return Promise.all(
    families.map(async (name) => {
      const files = faces[name]
      if (needed.eastAsia.includes(name)) return { name, data: readFont(files.normal) }
      const [data, bold, italic, boldItalic] = [files.normal, files.bold, files.italics, files.bolditalics].map(readFont)
      // A family without an italic names its upright file twice: embed it once.
      return {
        name,
        data,
        bold: files.bold === files.normal ? undefined : bold,
        italic: files.italics === files.normal ? undefined : italic,
        boldItalic: files.bolditalics === files.bold ? undefined : boldItalic
      }
    })
  )
}

/** Every face of the families, as the files the page layout measures text in, under the family's name. */
function faceFiles(fonts: EmbeddedFont[]): Array<{ data: Buffer; name: string }> {
  return fonts.flatMap((font) => [font.data, font.bold, font.italic, font.boldItalic].flatMap((data) => (data ? [{ data, name: font.name }] : [])))
}

/** Where docx's page estimate keeps each paragraph's lines (by the JSON of what they are laid out from), and finds them. */
interface KeptLines {
  get(from: string): string | undefined
  set(from: string, lines: string): void
}

/**
 * docx's estimate, given a store for the lines of paragraphs it laid out
 * before (a patch in `scripts/bundle.mjs`; docx as published ignores it).
 */
const estimatePageNumbers = estimatePageNumbersWith as (options: Parameters<typeof estimatePageNumbersWith>[0] & { keptLines?: KeptLines }) => PageNumberEstimator

/**
 * The lines the page estimate laid out, kept between builds (`keptMap`) by
 * the source, the faces that measured them and the code that laid them
 * out: an edit leaves most paragraphs as they were. Kept by a hash of what
 * they were laid out from, which is a paragraph's whole content; written
 * back with only the paragraphs the source's last build used (those an edit
 * replaced, and other reports' in the same faces, are not read by every
 * build: report.md's store had grown to 4 MB of 3,500 paragraphs).
 */
function keptLinesOf(faces: Array<{ data: Buffer; name: string }>, source: string | undefined): KeptLines {
  const hash = createHash('sha256').update(knownCodeKey(fileURLToPath(import.meta.url))).update('\0').update(source === undefined ? '' : path.resolve(source))
  for (const { data, name } of faces) hash.update('\0').update(name).update('\0').update(faceHash(data))
  const key = hash.digest('hex')
  if (!linesBySource.has(key)) linesBySource.set(key, keptMap<string>('docx-lines', key, 50_000, 16, { usedOnly: true }))
  const lines = linesBySource.get(key)!
  const by = (from: string) => createHash('sha256').update(from).digest('base64')
  return { get: (from) => lines.get(by(from)), set: (from, laidOut) => lines.set(by(from), laidOut) }
}

/** By the source, the faces and the code, once per process: `keptMap` writes each map when the process ends. */
const linesBySource = new Map<string, Map<string, string>>()

/** A family whose faces `packDocx` embeds (see `embedLater`). */
function embeddedWhenPacked(font: EmbeddedFont): EmbeddedFont {
  const later = (face: Buffer | undefined) => face && embedLater(face)
  return { name: font.name, data: embedLater(font.data), bold: later(font.bold), italic: later(font.italic), boldItalic: later(font.boldItalic) }
}

function hasCode(tree: Root): boolean {
  let found = false
  visit(tree, ['code', 'inlineCode'], () => {
    found = true
    return EXIT
  })
  return found
}
