import { createHash } from 'node:crypto'
import { deflateSync, strToU8 } from 'fflate'
import { readCache, writeCache } from '../../disk-cache.js'
import { remember } from '../../remember.js'

/** An entry's bytes deflated, with what a zip records of them. */
interface Deflated {
  size: number
  crc: number
  deflated: Uint8Array
}

/** One file of a zip package, in the order it is written. */
export interface ZipEntry {
  name: string
  data: Uint8Array
}

/** The DEFLATE level every entry is compressed with. */
const level = 6

/**
 * Zip entries, each deflated, all stamped with `date`: the same bytes as
 * fflate's `zipSync` writes (no extra fields, no comments, no data
 * descriptors), but with `date`'s UTC fields, where fflate reads the local
 * ones, so that every machine writes the same bytes.
 */
export function zipEntries(entries: ZipEntry[], date: Date): Uint8Array {
  const time = dosDateTime(date)
  const files = entries.map((entry) => {
    const name = strToU8(entry.name)
    return { name, unicode: name.length !== entry.name.length, time, ...deflated(entry.data) }
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

function deflated(data: Uint8Array): Deflated {
  const deflate = (): Deflated => ({ size: data.length, crc: crc32(data), deflated: deflateSync(data, { level }) })
  // Large entries (embedded faces, images) recur from memo to memo and build to build: each is deflated once, and kept on disk.
  if (data.length < keptFrom) return deflate()
  const key = createHash('sha256').update(data).update(`level ${level}`).digest('hex')
  return remember(kept, key, keptEntries, () => {
    const cached = readCache('deflated', key)
    // The CRC, then the deflated bytes.
    if (cached && cached.length >= 4) return { size: data.length, crc: cached.readUInt32LE(0), deflated: cached.subarray(4) }
    const made = deflate()
    const crc = Buffer.alloc(4)
    crc.writeUInt32LE(made.crc)
    writeCache('deflated', key, Buffer.concat([crc, made.deflated]), keptOnDisk)
    return made
  })
}

const kept = new Map<string, Deflated>()
const keptFrom = 16 * 1024
const keptEntries = 64
const keptOnDisk = 64

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
  // A zip's dates run from 1980 to 2107, and some readers stop at 2099:
  // a report's date outside that range stamps the nearest end (the
  // document's own properties keep the real date).
  const clamped = new Date(Math.min(Math.max(date.getTime(), Date.UTC(1980, 0, 1)), Date.UTC(2099, 11, 31, 23, 59, 58)))
  const year = clamped.getUTCFullYear() - 1980
  return ((year << 25) | ((clamped.getUTCMonth() + 1) << 21) | (clamped.getUTCDate() << 16) | (clamped.getUTCHours() << 11) | (clamped.getUTCMinutes() << 5) | (clamped.getUTCSeconds() >> 1)) >>> 0
}
