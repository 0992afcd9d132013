import { createHash } from 'node:crypto'
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { deflateSync, strToU8 } from 'fflate'

/** An entry's bytes deflated, with what a zip records of them. */
export interface Deflated {
  size: number
  crc: number
  deflated: Uint8Array
}

/** One file of a zip package, in the order it is written: its bytes, or already deflated. */
export interface ZipEntry {
  name: string
  data: Uint8Array | Deflated
}

/** The DEFLATE level every entry is compressed with. */
const level = 6

/**
 * Zip entries, each deflated, all stamped with `date`: the same bytes as
 * fflate's `zipSync` writes (no extra fields, no comments, no data
 * descriptors), but entries may come deflated already (`deflateOnce`).
 */
export function zipEntries(entries: ZipEntry[], date: Date): Uint8Array {
  const time = dosDateTime(date)
  const files = entries.map((entry) => {
    const name = strToU8(entry.name)
    const deflated = entry.data instanceof Uint8Array ? deflatedNow(entry.data) : entry.data
    return { name, unicode: name.length !== entry.name.length, time, ...deflated }
  })
  const localSize = files.reduce((sum, file) => sum + 30 + file.name.length + file.deflated.length, 0)
  const centralSize = files.reduce((sum, file) => sum + 46 + file.name.length, 0)
  const out = new Uint8Array(localSize + centralSize + 22)
  const view = new DataView(out.buffer)
  let local = 0
  let central = localSize
  for (const file of files) {
    writeHeader(view, out, local, file)
    out.set(file.deflated, local + 30 + file.name.length)
    writeHeader(view, out, central, file, local)
    local += 30 + file.name.length + file.deflated.length
    central += 46 + file.name.length
  }
  // End of central directory: entry counts, the directory's size and offset.
  view.setUint32(central, 0x06054b50, true)
  view.setUint16(central + 8, files.length, true)
  view.setUint16(central + 10, files.length, true)
  view.setUint32(central + 12, centralSize, true)
  view.setUint32(central + 16, localSize, true)
  return out
}

interface Header extends Deflated {
  name: Uint8Array
  unicode: boolean
  time: number
}

/** A local file header, or with `localOffset` the central directory's record of it (APPNOTE 4.3.7, 4.3.12). */
function writeHeader(view: DataView, out: Uint8Array, at: number, header: Header, localOffset?: number): void {
  const central = localOffset !== undefined
  view.setUint32(at, central ? 0x02014b50 : 0x04034b50, true)
  // A central record starts with "version made by" (2.0, MS-DOS), then has the local header's fields.
  if (central) view.setUint16(at + 4, 20, true)
  const fields = at + (central ? 6 : 4)
  view.setUint16(fields, 20, true)
  view.setUint16(fields + 2, header.unicode ? 0x800 : 0, true)
  view.setUint16(fields + 4, 8, true)
  view.setUint32(fields + 6, header.time, true)
  view.setUint32(fields + 10, header.crc, true)
  view.setUint32(fields + 14, header.deflated.length, true)
  view.setUint32(fields + 18, header.size, true)
  view.setUint16(fields + 22, header.name.length, true)
  // No extra field; a central record has no comment, disk or attributes either, then the local header's offset.
  if (central) view.setUint32(at + 42, localOffset, true)
  out.set(header.name, at + (central ? 46 : 30))
}

function deflatedNow(data: Uint8Array): Deflated {
  return { size: data.length, crc: crc32(data), deflated: deflateSync(data, { level }) }
}

const deflatedOnce = new Map<string, Deflated>()
const keptOnce = 32

/**
 * Deflate large data (a font) once. Deflating the faces the memos and the
 * report embed is most of the work of writing a .docx, and they seldom
 * change: each is deflated once per process (the memos and the report
 * share faces) and kept on disk for the next build (`deflateCache`).
 */
export function deflateOnce(data: Uint8Array): Deflated {
  const key = createHash('sha256').update(deflater()).update(data).digest('hex')
  const result = deflatedOnce.get(key) ?? readCached(key, data) ?? writeCached(key, deflatedNow(data))
  // Oldest out first, so that a long `--watch` session does not grow without end.
  deflatedOnce.delete(key)
  if (deflatedOnce.size >= keptOnce) deflatedOnce.delete(deflatedOnce.keys().next().value!)
  deflatedOnce.set(key, result)
  return result
}

const require = createRequire(import.meta.url)
let deflaterName: string | undefined

/** What deflated bytes depend on besides the data: the deflater's version and level. */
function deflater(): string {
  const manifest = path.join(path.dirname(require.resolve('fflate')), '..', 'package.json')
  deflaterName ??= `fflate ${(JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version} level ${level}\n`
  return deflaterName
}

/** Where deflated data is kept between builds, by the SHA-256 of the deflater and the data, as other tools keep theirs. */
const deflateCache = fileURLToPath(new URL('../../../node_modules/.cache/dossier/deflate/', import.meta.url))

/**
 * A cache file holds the SHA-256 of the rest (32 bytes), the data's CRC-32
 * (4) and the deflated bytes: a file cut short or damaged fails the check
 * and is deflated again.
 */
function readCached(key: string, data: Uint8Array): Deflated | undefined {
  let file: Buffer
  try {
    file = readFileSync(path.join(deflateCache, key))
  } catch {
    return undefined
  }
  const rest = file.subarray(32)
  if (rest.length < 4 || !createHash('sha256').update(rest).digest().equals(file.subarray(0, 32))) return undefined
  return { size: data.length, crc: rest.readUInt32BE(0), deflated: rest.subarray(4) }
}

/** Keep `result` for the next build, whole or not at all; a cache that cannot be written is no error. */
function writeCached(key: string, result: Deflated): Deflated {
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(result.crc, 0)
  const rest = Buffer.concat([crc, result.deflated])
  const target = path.join(deflateCache, key)
  try {
    mkdirSync(deflateCache, { recursive: true })
    writeFileSync(`${target}.${process.pid}.tmp`, Buffer.concat([createHash('sha256').update(rest).digest(), rest]))
    renameSync(`${target}.${process.pid}.tmp`, target)
  } catch {
    // Read-only installs build as fast as before the cache existed.
  }
  return result
}

const crcTable = Int32Array.from({ length: 256 }, (_, index) => {
  let value = index
  for (let bit = 0; bit < 8; bit++) value = value & 1 ? 0xedb88320 ^ (value >>> 1) : value >>> 1
  return value
})

/** CRC-32 as zip files use it (ISO 3309). */
function crc32(data: Uint8Array): number {
  let crc = -1
  for (let index = 0; index < data.length; index++) crc = crcTable[(crc ^ data[index]) & 255] ^ (crc >>> 8)
  return ~crc >>> 0
}

/**
 * MS-DOS date and time, which have no time zone: `date`'s UTC fields, so
 * every machine writes the same bytes. DOS times start in 1980.
 */
function dosDateTime(date: Date): number {
  const year = Math.max(1980, date.getUTCFullYear()) - 1980
  if (year > 119) throw new Error(`Unexpected zip date ${date.toISOString()}, expected a year before 2100`)
  return ((year << 25) | ((date.getUTCMonth() + 1) << 21) | (date.getUTCDate() << 16) | (date.getUTCHours() << 11) | (date.getUTCMinutes() << 5) | (date.getUTCSeconds() >> 1)) >>> 0
}
