import { createHash } from 'node:crypto'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { pairKerning, pairKerningModule, type KernPair } from './pair-kerning.js'
import { readCache, writeCache } from '../../disk-cache.js'
import { knownCodeKey } from '../../compile-cache.js'
import { faceHash } from '../../fonts.js'
import { remember } from '../../remember.js'

const require = createRequire(import.meta.url)

/**
 * A TrueType face cut down to the glyphs of `codePoints` (those it has), as
 * Word's own "embed only the characters used" does: a standalone font,
 * which Word and LibreOffice install from the package as they would the
 * whole face. fontkit writes the glyphs and their metrics (its subsets are
 * made for PDF); the tables a standalone font needs besides are added here:
 * a `cmap` for just these characters, the face's own `name` and `OS/2`, a
 * `post` without glyph names, and, since `GPOS` names every glyph of the
 * face, its pair kerning between the glyphs kept as a `kern` table, so
 * that text keeps its widths and its line breaks. Substitutions (`GSUB`:
 * ligatures, small capitals) are left out: a ligature's glyph may not be
 * one of those kept. A face of PostScript outlines (CFF) is left whole.
 */
export function subsetFace(face: Uint8Array, codePoints: Iterable<number>): Uint8Array {
  // A memo after memo, or a rebuild, keeps the same characters: each subset is kept, in memory and on disk.
  const points = [...new Set(codePoints)].sort((a, b) => a - b)
  const key = points.join(',')
  let kept = subsets.get(face)
  if (!kept) subsets.set(face, (kept = new Map()))
  return remember(kept, key, keptSubsets, () => {
    const cacheKey = createHash('sha256').update(subsetterHash()).update(faceHash(face)).update(key).digest('hex')
    const cached = readCache('docx-subset', cacheKey)
    if (cached) return cached
    const subset = subsetNow(face, points)
    if (subset === face) return face
    writeCache('docx-subset', cacheKey, subset, keptOnDisk)
    return subset
  })
}

/** Subsets kept between builds: a few faces, each with the characters of the last reports built. */
const keptOnDisk = 64

/**
 * The code that makes subsets, as the hashes of the files it is in (this
 * module and the kerning reader, one bundled file once built; fontkit's):
 * a change to any makes new subsets, never a stale one from the cache.
 */
function subsetterHash(): string {
  return [...new Set([fileURLToPath(import.meta.url), fileURLToPath(pairKerningModule), require.resolve('fontkit')])].map(knownCodeKey).join('')
}

/** Subsets by face and characters; faces are read once per process (`fonts.ts`), so kept by the face itself. */
const subsets = new WeakMap<Uint8Array, Map<string, Uint8Array>>()
const keptSubsets = 32

function subsetNow(face: Uint8Array, codePoints: number[]): Uint8Array {
  // Loaded as pdfkit loads it (CommonJS), one copy for both.
  const fontkit = require('fontkit') as typeof import('fontkit')
  const font = fontkit.create(Buffer.from(face.buffer, face.byteOffset, face.byteLength))
  if (!font.directory.tables.glyf) return face
  const subset = font.createSubset()
  const characters = codePoints
    .filter((codePoint) => font.hasGlyphForCodePoint(codePoint))
    .map((codePoint) => ({ codePoint, glyph: subset.includeGlyph(font.glyphForCodePoint(codePoint).id) }))
  const tables = readTables(subset.encode())
  const original = (tag: string) => {
    const entry = font.directory.tables[tag]
    return entry && face.subarray(entry.offset, entry.offset + entry.length)
  }
  for (const tag of ['name', 'OS/2', 'gasp']) {
    const table = original(tag)
    if (table) tables.set(tag, table)
  }
  tables.set('cmap', cmapTable(characters))
  tables.set('post', postTable(original('post')))
  const gpos = original('GPOS')
  const kern = gpos && kernTable(pairKerning(gpos, subset.glyphs))
  if (kern) tables.set('kern', kern)
  return writeFont(tables)
}

/** The tables of a TrueType font by tag. */
function readTables(font: Uint8Array): Map<string, Uint8Array> {
  const view = new DataView(font.buffer, font.byteOffset, font.byteLength)
  const tables = new Map<string, Uint8Array>()
  for (let index = 0; index < view.getUint16(4); index++) {
    const record = 12 + index * 16
    const tag = String.fromCharCode(...font.subarray(record, record + 4))
    const offset = view.getUint32(record + 8)
    tables.set(tag, font.subarray(offset, offset + view.getUint32(record + 12)))
  }
  return tables
}

/**
 * A TrueType font of `tables`: the directory sorted by tag, each table
 * padded to four bytes with its checksum, and `head`'s checksum adjustment
 * set so that the whole file sums to the magic number (OpenType, `head`).
 */
function writeFont(tables: Map<string, Uint8Array>): Uint8Array {
  const tags = [...tables.keys()].sort()
  const headerSize = 12 + tags.length * 16
  const size = tags.reduce((total, tag) => total + padded(tables.get(tag)!.length), headerSize)
  const font = new Uint8Array(size)
  const view = new DataView(font.buffer)
  const power = 2 ** Math.floor(Math.log2(tags.length))
  view.setUint32(0, 0x00010000)
  view.setUint16(4, tags.length)
  view.setUint16(6, power * 16)
  view.setUint16(8, Math.log2(power))
  view.setUint16(10, tags.length * 16 - power * 16)
  let offset = headerSize
  let headOffset = -1
  tags.forEach((tag, index) => {
    const table = tables.get(tag)!
    font.set(table, offset)
    if (tag === 'head') {
      headOffset = offset
      view.setUint32(offset + 8, 0)
    }
    const record = 12 + index * 16
    for (let char = 0; char < 4; char++) font[record + char] = tag.charCodeAt(char)
    view.setUint32(record + 4, checksum(font.subarray(offset, offset + padded(table.length))))
    view.setUint32(record + 8, offset)
    view.setUint32(record + 12, table.length)
    offset += padded(table.length)
  })
  if (headOffset >= 0) view.setUint32(headOffset + 8, (0xb1b0afba - checksum(font)) >>> 0)
  return font
}

function padded(length: number): number {
  return (length + 3) & ~3
}

/** The sum of a table's big-endian 32-bit words, modulo 2³². */
function checksum(bytes: Uint8Array): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  let sum = 0
  for (let offset = 0; offset + 4 <= bytes.length; offset += 4) sum = (sum + view.getUint32(offset)) >>> 0
  return sum
}

/** A table assembled from big-endian fields. */
class Writer {
  private readonly bytes: number[] = []
  u16(value: number): this {
    this.bytes.push((value >> 8) & 0xff, value & 0xff)
    return this
  }
  u32(value: number): this {
    return this.u16((value >>> 16) & 0xffff).u16(value & 0xffff)
  }
  get length(): number {
    return this.bytes.length
  }
  done(): Uint8Array {
    return Uint8Array.from(this.bytes)
  }
}

interface Character {
  codePoint: number
  /** Its glyph in the subset. */
  glyph: number
}

/**
 * The characters' glyphs: format 4 for the Basic Multilingual Plane (runs
 * of consecutive characters and glyphs as one segment each), and format 12
 * for characters beyond it, under the Unicode and Windows encodings.
 */
function cmapTable(characters: Character[]): Uint8Array {
  const basic = characters.filter((character) => character.codePoint <= 0xffff)
  const beyond = characters.filter((character) => character.codePoint > 0xffff)
  const formats = [format4(basic), ...(beyond.length > 0 ? [format12(beyond)] : [])]
  const records: Array<[number, number, number]> = [[0, 3, 0], [3, 1, 0], ...(beyond.length > 0 ? ([[0, 4, 1], [3, 10, 1]] as Array<[number, number, number]>) : [])]
  records.sort((a, b) => a[0] - b[0] || a[1] - b[1])
  const table = new Writer().u16(0).u16(records.length)
  const start = 4 + records.length * 8
  const offsets = formats.map((_, index) => start + formats.slice(0, index).reduce((total, format) => total + format.length, 0))
  for (const [platform, encoding, format] of records) table.u16(platform).u16(encoding).u32(offsets[format])
  return concat([table.done(), ...formats])
}

function runs(characters: Character[]): Character[][] {
  const result: Character[][] = []
  for (const character of characters) {
    const run = result.at(-1)
    const last = run?.at(-1)
    if (run && last && character.codePoint === last.codePoint + 1 && character.glyph === last.glyph + 1) run.push(character)
    else result.push([character])
  }
  return result
}

function format4(characters: Character[]): Uint8Array {
  // Each run is a segment mapped by a delta; the last segment, 0xFFFF, maps to the missing glyph.
  const segments = [
    ...runs(characters).map((run) => ({ start: run[0].codePoint, end: run.at(-1)!.codePoint, delta: (run[0].glyph - run[0].codePoint) & 0xffff })),
    { start: 0xffff, end: 0xffff, delta: 1 }
  ]
  const count = segments.length
  const power = 2 ** Math.floor(Math.log2(count))
  const table = new Writer()
    .u16(4)
    .u16(16 + count * 8)
    .u16(0)
    .u16(count * 2)
    .u16(power * 2)
    .u16(Math.log2(power))
    .u16(count * 2 - power * 2)
  for (const segment of segments) table.u16(segment.end)
  table.u16(0)
  for (const segment of segments) table.u16(segment.start)
  for (const segment of segments) table.u16(segment.delta)
  for (let index = 0; index < count; index++) table.u16(0)
  return table.done()
}

function format12(characters: Character[]): Uint8Array {
  const groups = runs(characters)
  const table = new Writer().u16(12).u16(0).u32(16 + groups.length * 12).u32(0).u32(groups.length)
  for (const run of groups) table.u32(run[0].codePoint).u32(run.at(-1)!.codePoint).u32(run[0].glyph)
  return table.done()
}

/** `post` version 3: the face's italic angle, underline and pitch, no glyph names. */
function postTable(original: Uint8Array | undefined): Uint8Array {
  const table = new Uint8Array(32)
  if (original) table.set(original.subarray(0, 32))
  new DataView(table.buffer).setUint32(0, 0x00030000)
  return table
}

/** Pairs per `kern` subtable: its length is 16 bits. */
const pairsPerSubtable = 10_000

/** A `kern` table (version 0, horizontal pairs), or undefined when there are none. */
function kernTable(pairs: KernPair[]): Uint8Array | undefined {
  if (pairs.length === 0) return undefined
  const chunks: KernPair[][] = []
  for (let start = 0; start < pairs.length; start += pairsPerSubtable) chunks.push(pairs.slice(start, start + pairsPerSubtable))
  const table = new Writer().u16(0).u16(chunks.length)
  for (const chunk of chunks) {
    const power = 2 ** Math.floor(Math.log2(chunk.length))
    table.u16(0).u16(14 + chunk.length * 6).u16(0x0001).u16(chunk.length).u16(power * 6).u16(Math.log2(power)).u16(chunk.length * 6 - power * 6)
    for (const [left, right, value] of chunk) table.u16(left).u16(right).u16(value & 0xffff)
  }
  return table.done()
}

function concat(parts: Uint8Array[]): Uint8Array {
  const result = new Uint8Array(parts.reduce((total, part) => total + part.length, 0))
  let offset = 0
  for (const part of parts) {
    result.set(part, offset)
    offset += part.length
  }
  return result
}
