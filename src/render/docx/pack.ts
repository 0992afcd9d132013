import { createHash } from 'node:crypto'
import { Packer, type Document } from 'docx'
import { strFromU8, strToU8, unzipSync } from 'fflate'
import { escapeHtml } from '../../format.js'
import { subsetFace } from './subset-font.js'
import { zipEntries } from './zip.js'

/** Package properties docx's `Document` has no option for. */
export interface PackProperties {
  /** The document's language, a BCP 47 tag, as `dc:language` in `docProps/core.xml`. */
  language?: string
}

/**
 * Pack a docx `Document` into the bytes of a .docx that are the same for the
 * same document on every machine and every run.
 *
 * docx stamps the clock into `docProps/core.xml`, zips with the clock as
 * every entry's time, draws some relationship ids and embedded fonts' keys
 * from `Math.random` when its objects are made, and numbers bookmarks with
 * counters shared by every document in the process. Seeding `Math.random`
 * would have to span the whole render and every other caller in the
 * process, so instead the package is rewritten once it is packed: the times
 * become `date`, and every random id or counted number is renamed by the
 * order it first occurs in, which the document's structure alone decides.
 * `properties` adds what docx cannot set (the language).
 *
 * Each embedded face holds only the glyphs the package's text uses, and
 * the printable ASCII characters (`subsetFace`), marked as subsets for
 * Word, which then embeds subsets again when it saves.
 */
export async function packDocx(document: Document, date: Date, properties: PackProperties = {}): Promise<Uint8Array> {
  // Font files are written from the faces, not taken from docx's package.
  const faces = embeddedFaces(document)
  const parts = await compiledParts(document)
  const names = [...parts.keys()]
  const text = new Map<string, string>()
  for (const [name, data] of parts) if (isXml(name)) text.set(name, typeof data === 'string' ? data : strFromU8(data))
  const characters = usedCharacters(text)
  const fonts = fontFiles(new Map([...faces].map(([path, face]) => [path, subsetFace(face, characters)])))

  renameRandomIds(text, names)
  renumberCounters(text, names)
  renameFontKeys(text, fonts)
  saveSubsets(text)
  stampCoreProperties(text, date, properties)

  const files = names.map((name) => {
    const data = parts.get(name)!
    return { name, data: text.has(name) ? strToU8(text.get(name)!) : (fonts.get(name)?.data ?? (typeof data === 'string' ? strToU8(data) : data)) }
  })
  return zipEntries(files, date)
}

/** The printable ASCII characters, which every subset keeps: what a Word user types most. */
const ascii = Array.from({ length: 0x7f - 0x20 }, (_, index) => 0x20 + index)

/** Every character of the package's parts, its references (`&#8220;`) read, and printable ASCII. */
function usedCharacters(text: Map<string, string>): Set<number> {
  const used = new Set(ascii)
  for (const part of text.values()) {
    for (const char of part.replace(/&#(x[0-9a-f]+|\d+);/gi, (_, code: string) => String.fromCodePoint(code[0].toLowerCase() === 'x' ? parseInt(code.slice(1), 16) : Number(code)))) {
      used.add(char.codePointAt(0)!)
    }
  }
  return used
}

/** Word keeps embedding subsets when it saves (its “Embed only the characters used” option). */
function saveSubsets(text: Map<string, string>): void {
  const settings = text.get('word/settings.xml')
  if (settings && !settings.includes('<w:saveSubsetFonts')) text.set('word/settings.xml', settings.replace('<w:embedTrueTypeFonts/>', '<w:embedTrueTypeFonts/><w:saveSubsetFonts/>'))
}

/** The part of docx's `Packer` that writes a document's parts before zipping them; the types call it private. */
interface Compiler {
  compile(document: Document, prettify: undefined, overrides: []): Map<string, string | Uint8Array>
}

/**
 * A document's parts, by path in the package's order, as docx writes them
 * before zipping: `packDocx` rewrites the XML and zips each part once,
 * rather than have docx deflate everything for it to inflate again.
 * Through `Packer.pack` and an unzip where docx keeps its compiler elsewhere.
 */
async function compiledParts(document: Document): Promise<Map<string, string | Uint8Array>> {
  const compiler = (Packer as unknown as { compiler?: Compiler }).compiler
  if (typeof compiler?.compile === 'function') return compiler.compile(document, undefined, [])
  return new Map(Object.entries(unzipSync(await Packer.pack(document, 'uint8array'))))
}

/**
 * Faces given to docx that `packDocx` embeds itself (see `embedLater`),
 * by the stand-in docx got.
 */
const laterFaces = new WeakMap<Buffer, Buffer>()

/**
 * A stand-in for a face's bytes, for a `Document`'s `fonts`, that
 * `packDocx` replaces with the face. docx would deflate each face, a few
 * hundred kilobytes, into its package only for `packDocx` to inflate it and
 * deflate it again: most of the time packing takes. A document that
 * estimates its page numbers measures text in the faces it embeds, so give
 * the estimator the faces themselves (`estimatePageNumbersWith({ fonts })`).
 */
export function embedLater(face: Buffer): Buffer {
  const standIn = Buffer.alloc(0)
  laterFaces.set(standIn, face)
  return standIn
}

/** The faces a document embeds, by their file in the package: the Nth is `word/fonts/fontN.odttf`, as docx writes them. */
function embeddedFaces(document: Document): Map<string, Buffer> {
  return new Map(document.FontTable.files.map((file, index) => [`word/fonts/font${index + 1}.odttf`, laterFaces.get(file.data) ?? file.data]))
}

function isXml(name: string): boolean {
  return name.endsWith('.xml') || name.endsWith('.rels')
}

/** docx's `uniqueId()`: nanoid's 21 characters, lower-cased. */
const randomId = /^(?:rId)?[a-z0-9_-]{21}$/

/**
 * Relationship ids docx drew at random (`Id="rIdv1stgxr8_z5jdhi6b-myt"`) become
 * `rIdDocx1`, `rIdDocx2`… everywhere they are used. Names are visited in
 * the package's order and ids in their order in each part.
 */
function renameRandomIds(text: Map<string, string>, names: string[]): void {
  const renamed = new Map<string, string>()
  for (const name of names) {
    if (!name.endsWith('.rels')) continue
    for (const match of text.get(name)!.matchAll(/\bId="([^"]+)"/g)) {
      const id = match[1]
      if (randomId.test(id) && !renamed.has(id)) renamed.set(id, `rIdDocx${renamed.size + 1}`)
    }
  }
  if (renamed.size === 0) return
  const pattern = new RegExp(`"(${[...renamed.keys()].map(escapeRegExp).join('|')})"`, 'g')
  for (const [name, value] of text) text.set(name, value.replace(pattern, (_, id: string) => `"${renamed.get(id)}"`))
}

/**
 * docx counts bookmark ids, `_Toc` bookmark names and drawing ids with
 * counters shared by every document the process makes, so a second
 * document would differ from the first. Number them again from 1, in the
 * order they occur in the package.
 */
function renumberCounters(text: Map<string, string>, names: string[]): void {
  const counters: Array<{ pattern: RegExp; numbers: Map<string, number> }> = [
    { pattern: /(<w:bookmark(?:Start|End)\b[^>]*?\bw:id=")(\d+)(")/g, numbers: new Map() },
    { pattern: /(\b_Toc)(\d+)(\b)/g, numbers: new Map() },
    { pattern: /(<wp:docPr\b[^>]*?\bid=")(\d+)(")/g, numbers: new Map() }
  ]
  for (const name of names) {
    let value = text.get(name)
    if (value === undefined || name.endsWith('.rels')) continue
    for (const { pattern, numbers } of counters) {
      value = value.replace(pattern, (_, before: string, number: string, after: string) => {
        if (!numbers.has(number)) numbers.set(number, numbers.size + 1)
        return `${before}${numbers.get(number)}${after}`
      })
    }
    text.set(name, value)
  }
}

/** An embedded font's file: its face obfuscated with its key. */
interface FontFile {
  key: string
  data: Uint8Array
}

/**
 * Embedded fonts are obfuscated with a key (ECMA-376 part 1, §17.8.1),
 * which docx draws at random: give each a key derived from its place and
 * its bytes instead, and write its file from the face with that key.
 */
function fontFiles(faces: Map<string, Uint8Array>): Map<string, FontFile> {
  return new Map(
    [...faces].map(([path, face]) => {
      const hash = createHash('sha256').update(path).update(face.subarray(32)).digest('hex').slice(0, 32).toUpperCase()
      const key = `${hash.slice(0, 8)}-${hash.slice(8, 12)}-${hash.slice(12, 16)}-${hash.slice(16, 20)}-${hash.slice(20)}`
      return [path, { key, data: obfuscate(face, key) }]
    })
  )
}

/** A face as an embedded font file: its first 32 bytes XORed with the key. */
function obfuscate(face: Uint8Array, key: string): Uint8Array {
  const bytes = keyBytes(key)
  // A copy: a Buffer's `slice` would share the face's memory.
  const data = new Uint8Array(face)
  for (let index = 0; index < 32 && index < data.length; index++) data[index] ^= bytes[index % 16]
  return data
}

/** Put each font's own key in `word/fontTable.xml` in place of docx's. */
function renameFontKeys(text: Map<string, string>, fonts: Map<string, FontFile>): void {
  const table = text.get('word/fontTable.xml') ?? ''
  const rels = text.get('word/_rels/fontTable.xml.rels') ?? ''
  const targets = new Map<string, string>()
  for (const match of rels.matchAll(/<Relationship\b[^>]*>/g)) {
    const id = /\bId="([^"]+)"/.exec(match[0])?.[1]
    const target = /\bTarget="([^"]+)"/.exec(match[0])?.[1]
    if (id && target) targets.set(id, `word/${target.replace(/^\.?\//, '')}`)
  }
  const keyed = new Set<string>()
  const rewritten = table.replace(/<w:embed\w+\b[^>]*\/>/g, (element) => {
    const id = /\br:id="([^"]+)"/.exec(element)?.[1]
    const path = id ? targets.get(id) : undefined
    const font = path ? fonts.get(path) : undefined
    if (!path || !font || !/\bw:fontKey="/.test(element)) return element
    keyed.add(path)
    return element.replace(/w:fontKey="\{[^}]*\}"/, `w:fontKey="{${font.key}}" w:subsetted="1"`)
  })
  if (table) text.set('word/fontTable.xml', rewritten)
  const unkeyed = [...fonts.keys()].filter((path) => !keyed.has(path))
  if (unkeyed.length > 0) throw new Error(`Unexpected font files without a key in word/fontTable.xml: ${unkeyed.join(', ')}`)
}

/** A font key's bytes in the order obfuscation XORs them: the GUID's hex pairs reversed. */
function keyBytes(key: string): number[] {
  const hex = key.replace(/[^0-9A-Fa-f]/g, '')
  const bytes: number[] = []
  for (let index = 0; index < hex.length; index += 2) bytes.push(parseInt(hex.slice(index, index + 2), 16))
  return bytes.reverse()
}

/** Core properties docx has no option for, and its clock times replaced by `date`. */
function stampCoreProperties(text: Map<string, string>, date: Date, properties: PackProperties): void {
  let core = text.get('docProps/core.xml')
  if (!core) return
  const stamp = date.toISOString().replace(/\.\d{3}Z$/, 'Z')
  core = core.replace(/(<dcterms:(created|modified)\b[^>]*>)[^<]*(<\/dcterms:\2>)/g, (_, open: string, _name: string, close: string) => `${open}${stamp}${close}`)
  if (properties.language && !core.includes('<dc:language>')) {
    core = core.replace('</cp:coreProperties>', `<dc:language>${escapeHtml(properties.language)}</dc:language></cp:coreProperties>`)
  }
  text.set('docProps/core.xml', core)
}

function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&')
}
