import { createHash } from 'node:crypto'
import { Packer, type Document } from 'docx'
import { strFromU8, strToU8, unzipSync, zipSync, type Zippable } from 'fflate'

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
 */
export async function packDocx(document: Document, date: Date, properties: PackProperties = {}): Promise<Uint8Array> {
  const packed = await Packer.pack(document, 'uint8array')
  const entries = unzipSync(packed)
  const names = Object.keys(entries)
  const text = new Map<string, string>()
  for (const name of names) if (isXml(name)) text.set(name, strFromU8(entries[name]))

  renameRandomIds(text, names)
  renumberCounters(text, names)
  const fontKeys = renameFontKeys(text, entries, names)
  stampCoreProperties(text, date, properties)

  const mtime = dosTime(date)
  const zippable: Zippable = {}
  for (const name of names) {
    const data = text.has(name) ? strToU8(text.get(name)!) : (fontKeys.get(name) ?? entries[name])
    zippable[name] = [data, { mtime, level: 6 }]
  }
  return zipSync(zippable)
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

/**
 * Embedded fonts are obfuscated with a random key (ECMA-376 part 1,
 * §17.8.1): give each a key derived from its place and its bytes, and
 * obfuscate its file again with it.
 */
function renameFontKeys(text: Map<string, string>, entries: Record<string, Uint8Array>, names: string[]): Map<string, Uint8Array> {
  const result = new Map<string, Uint8Array>()
  const table = text.get('word/fontTable.xml')
  const rels = text.get('word/_rels/fontTable.xml.rels')
  if (!table || !rels) return result
  const targets = new Map<string, string>()
  for (const match of rels.matchAll(/<Relationship\b[^>]*>/g)) {
    const id = /\bId="([^"]+)"/.exec(match[0])?.[1]
    const target = /\bTarget="([^"]+)"/.exec(match[0])?.[1]
    if (id && target) targets.set(id, `word/${target.replace(/^\.?\//, '')}`)
  }
  const rewritten = table.replace(/<w:embed\w+\b[^>]*\/>/g, (element) => {
    const id = /\br:id="([^"]+)"/.exec(element)?.[1]
    const key = /\bw:fontKey="\{([0-9A-Fa-f-]+)\}"/.exec(element)?.[1]
    const path = id ? targets.get(id) : undefined
    if (!key || !path || !names.includes(path)) return element
    const original = entries[path]
    const fresh = createHash('sha256').update(path).update(original.subarray(32)).digest('hex').slice(0, 32).toUpperCase()
    const freshKey = `${fresh.slice(0, 8)}-${fresh.slice(8, 12)}-${fresh.slice(12, 16)}-${fresh.slice(16, 20)}-${fresh.slice(20)}`
    const before = keyBytes(key)
    const after = keyBytes(freshKey)
    const data = original.slice()
    for (let index = 0; index < 32 && index < data.length; index++) data[index] ^= before[index % 16] ^ after[index % 16]
    result.set(path, data)
    return element.replace(/w:fontKey="\{[^}]*\}"/, `w:fontKey="{${freshKey}}"`)
  })
  text.set('word/fontTable.xml', rewritten)
  return result
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
    core = core.replace('</cp:coreProperties>', `<dc:language>${escapeXml(properties.language)}</dc:language></cp:coreProperties>`)
  }
  text.set('docProps/core.xml', core)
}

function escapeXml(value: string): string {
  return value.replace(/[&<>"]/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[char]!)
}

/**
 * fflate writes an entry's time as DOS fields read in local time; a Date
 * whose local fields are `date`'s UTC fields gives the same bytes in every
 * time zone. DOS times start in 1980.
 */
function dosTime(date: Date): Date {
  const year = Math.max(1980, date.getUTCFullYear())
  return new Date(year, date.getUTCMonth(), date.getUTCDate(), date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds())
}

function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&')
}
