import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Font } from 'fontkit'
import type { VFile } from 'vfile'
import { knownCodeKey } from './compile-cache.js'
import { keptMap } from './disk-cache.js'
import { problem } from './message.js'
import { keyPoint, loadTemplateData } from './template-data.js'
import { readTemplate, templateFiles, type TemplateLayers } from './templates.js'
import { cjkRegionalTag, type CjkLanguage } from './text.js'

export type FontStyle = 'normal' | 'bold' | 'italics' | 'bolditalics'

/** A family's four faces as absolute paths to TTF files. */
export type FontFaces = Record<FontStyle, string>

interface FontEntry extends Record<FontStyle, string> {
  package: string
  /** WOFF2 files for HTML editions, as npm specifiers (`@fontsource/…`). */
  web?: Partial<Record<FontStyle, string>>
  /** The CJK language whose forms of the Han characters the family draws. */
  language?: CjkLanguage
}

/** Every key an entry of `fonts.json` may have, for checking a templates folder's. */
const entryShape: FontEntry = { package: '', normal: '', bold: '', italics: '', bolditalics: '', web: { normal: '', bold: '', italics: '', bolditalics: '' }, language: 'ja' }

/**
 * Check `fonts.json` of every template layer, once for every edition: a
 * mistake is one message at its line and column (`fonts-template-syntax`,
 * `fonts-template-field`), then false, before any renderer reads it.
 */
export async function checkFontTable(file: VFile, templates: TemplateLayers): Promise<boolean> {
  const shape = { dictionaries: { '': entryShape }, choices: { '*.language': Object.keys(cjkRegionalTag) } }
  if ((await loadTemplateData(file, templates, 'fonts.json', {}, { format: 'fonts', shape })) === undefined) return false
  // A layer's family replaces the one below whole, so each must name its package and four faces.
  let complete = true
  const layers = layerTables(templates)
  for (const { templatePath, text, table } of layers) {
    for (const [family, entry] of Object.entries(table as Record<string, Partial<FontEntry>>)) {
      const missing = family.startsWith('$') ? [] : requiredKeys.filter((key) => typeof entry[key] !== 'string')
      if (missing.length === 0) continue
      complete = false
      const start = keyPoint(text, [family])
      problem(file, `Missing ${missing.map((key) => `\`${key}\``).join(', ')} in the family \`${family}\`, expected its package and four faces: a family here replaces dossier's whole`, { start, end: start }, 'fonts-template-field', { source: 'dossier-fonts', in: templatePath })
    }
  }
  // The table the renderers read, from the files just read.
  if (complete) fontTables.set(templates, merged(layers))
  return complete
}

const requiredKeys = ['package', 'normal', 'bold', 'italics', 'bolditalics'] as const

/** Each build's font table, by its template layers (made once a build): read once, however many renderers ask. */
const fontTables = new WeakMap<TemplateLayers, Record<string, FontEntry>>()

/** `fonts.json` of every template layer, family by family: a layer adds families or replaces them whole. */
function fontTable(templates: TemplateLayers): Record<string, FontEntry> {
  let table = fontTables.get(templates)
  if (!table) fontTables.set(templates, (table = merged(layerTables(templates))))
  return table
}

/** Each layer's `fonts.json`, lowest first: where it is, its text and its table. */
function layerTables(templates: TemplateLayers): Array<{ templatePath: string; text: string; table: Record<string, FontEntry> }> {
  return templateFiles(templates, 'fonts.json').map((templatePath) => {
    const text = readTemplate(templatePath)
    return { templatePath, text, table: JSON.parse(text) as Record<string, FontEntry> }
  })
}

/** The layers' tables as one, family by family, higher layers over lower. */
function merged(layers: Array<{ table: Record<string, FontEntry> }>): Record<string, FontEntry> {
  return Object.assign({}, ...layers.map((layer) => layer.table)) as Record<string, FontEntry>
}

const faceDescriptors: Record<FontStyle, string> = {
  normal: 'font-weight: 400; font-style: normal',
  bold: 'font-weight: 700; font-style: normal',
  italics: 'font-weight: 400; font-style: italic',
  bolditalics: 'font-weight: 700; font-style: italic'
}

/**
 * `@font-face` rules for the WOFF2 files `fonts.json` lists under `web`,
 * named by npm specifier for `inlineNpmUrls` to embed. A family or style
 * without them falls back to the reader's fonts.
 */
export function webFontFaces(templates: TemplateLayers, families: string[], styles = Object.keys(faceDescriptors) as FontStyle[]): string {
  const table = fontTable(templates)
  return families
    .flatMap((family) =>
      styles
        .filter((style) => table[family]?.web?.[style])
        .map((style) => `@font-face { font-family: "${family}"; ${faceDescriptors[style]}; font-display: swap; src: url("npm:${table[family].web![style]}") format("woff2"); }`)
    )
    .join('\n')
}

/** The families of `fonts.json` that a stylesheet names (`"Source Serif 4"`), in the table's order. */
export function familiesNamedIn(templates: TemplateLayers, css: string): string[] {
  return Object.keys(fontTable(templates)).filter((family) => !family.startsWith('$') && css.includes(`"${family}"`))
}

/**
 * For each CJK language, the first of `families` (by default every family,
 * in the table's order) that `fonts.json` says draws that language's forms:
 * the face its text is set in.
 */
export function cjkFaces(templates: TemplateLayers, families?: string[]): Partial<Record<CjkLanguage, string>> {
  const table = fontTable(templates)
  const faces: Partial<Record<CjkLanguage, string>> = {}
  for (const family of families ?? Object.keys(table)) {
    const language = table[family]?.language
    if (language && !faces[language]) faces[language] = family
  }
  return faces
}

const require = createRequire(import.meta.url)

/**
 * Resolve font families named in `templates/fonts.json` to the TTF files
 * their npm packages ship. Nothing comes from the system, so every machine
 * embeds the same bytes.
 */
export function resolveFonts(templates: TemplateLayers, families: string[]): Record<string, FontFaces> {
  const table = fontTable(templates)
  const result: Record<string, FontFaces> = {}
  for (const family of families) {
    const entry = table[family]
    if (!entry) throw new Error(`Unknown font family \`${family}\`, expected one of ${Object.keys(table).filter((k) => !k.startsWith('$')).join(', ')} (templates/fonts.json)`)
    const root = path.dirname(require.resolve(`${entry.package}/package.json`))
    result[family] = {
      normal: path.join(root, entry.normal),
      bold: path.join(root, entry.bold),
      italics: path.join(root, entry.italics),
      bolditalics: path.join(root, entry.bolditalics)
    }
  }
  return result
}

/**
 * Which of `codePoints` a font file has glyphs for. Reading a font's cmap is
 * quick; callers check only the characters a document uses.
 */
export function glyphCoverage(fontFile: string, codePoints: Iterable<number>): Set<number> {
  const font = openFont(fontFile)
  const covered = new Set<number>()
  for (const codePoint of codePoints) if (font.hasGlyphForCodePoint(codePoint)) covered.add(codePoint)
  return covered
}

/**
 * A face's natural line height as a multiple of its size: (ascent −
 * descent) / units per em. pdfmake and Word multiply this by the line
 * spacing; CSS multiplies the size, so HTML needs it to set lines as the
 * PDF does.
 */
export function naturalLineHeight(fontFile: string): number {
  const font = openFont(fontFile)
  return (font.ascent - font.descent) / font.unitsPerEm
}

/**
 * How wide `text` is set in a face at `size` points, as a layout would
 * measure it. Shaping is slow and the print edition measures the same
 * texts (contents entries, item leads) again on every layout pass and
 * every build, so each width is kept, in ems, between builds (`keptMap`).
 */
export function advanceWidth(fontFile: string, text: string, size: number): number {
  let kept = widths.get(fontFile)
  if (!kept) widths.set(fontFile, (kept = keptMap('widths', keptFaceKey(fontFile, import.meta.url), keptTexts, keptOnDisk)))
  let ems = kept.get(text)
  if (ems === undefined) {
    const font = openFont(fontFile)
    ems = font.layout(text).advanceWidth / font.unitsPerEm
    kept.set(text, ems)
  }
  return ems * size
}

/** Widths in ems, by face file and text. */
const widths = new Map<string, Map<string, number>>()
/** Texts kept a face, in memory and on disk; faces kept on disk. */
const keptTexts = 20_000
const keptOnDisk = 64

/**
 * What is kept between builds of a face's texts (their widths, how they
 * were shaped) is found by the face's bytes, by fontkit's code, which
 * shaped them, and by the code that keeps them (`module`, the file it is
 * in, one bundled file once built): a new version of any makes them anew,
 * never misread.
 */
export function keptFaceKey(fontFile: string, module: string): string {
  const hash = createHash('sha256').update(faceHash(readFont(fontFile)))
  for (const file of [require.resolve('fontkit'), fileURLToPath(module)]) hash.update(knownCodeKey(file))
  return hash.digest('hex')
}

/** Each face's SHA-256, by the face: what is kept on disk of a face is found by its bytes, not its path. */
const faceHashes = new WeakMap<Uint8Array, string>()

export function faceHash(face: Uint8Array): string {
  let hash = faceHashes.get(face)
  if (!hash) faceHashes.set(face, (hash = createHash('sha256').update(face).digest('hex')))
  return hash
}

const fontBytes = new Map<string, Buffer>()

/**
 * A font file's bytes, read once per process: the files come from npm
 * packages and do not change while dossier runs (a watch rebuilds, memos
 * and the report share faces).
 */
export function readFont(fontFile: string): Buffer {
  let bytes = fontBytes.get(fontFile)
  if (!bytes) {
    bytes = readFileSync(fontFile)
    fontBytes.set(fontFile, bytes)
  }
  return bytes
}

const openedFonts = new Map<string, Font>()

/** A font file parsed, once per process; fontkit decodes its tables as they are first read. */
export function openFont(fontFile: string): Font {
  let font = openedFonts.get(fontFile)
  if (!font) {
    // Loaded when first needed, and as pdfkit loads it (CommonJS): an
    // `import` would load fontkit's ES module, a second copy, at every start.
    // From the bytes `readFont` keeps, which what is kept of a face is found by: the file is read once.
    const fontkit = require('fontkit') as typeof import('fontkit')
    font = fontkit.create(readFont(fontFile))
    openedFonts.set(fontFile, font)
  }
  return font
}
