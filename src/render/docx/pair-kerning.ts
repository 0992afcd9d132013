/** A pair of glyphs by their index in a list, left and right, and the change to the left one's advance, in font units. */
export type KernPair = [left: number, right: number, value: number]

/** Where this code is, for caches of what it makes (`subset-font.ts`). */
export const pairKerningModule = import.meta.url

/**
 * The pair kerning a face's `GPOS` table gives between `glyphs` (the
 * face's glyph ids; pairs name them by their index in the list), as a
 * shaper applies the `kern` feature: in each of its lookups the first
 * subtable that has the pair, the lookups added up. Read from the table's
 * bytes (OpenType, GPOS lookup type 2, formats 1 and 2, and extensions):
 * a face's pair tables hold a value for every pair of classes, and only
 * the few these glyphs need are read.
 */
export function pairKerning(gpos: Uint8Array, glyphs: number[]): KernPair[] {
  const table = new Reader(gpos)
  const featureList = table.u16(6)
  const lookupList = table.u16(8)
  const lookups = new Set<number>()
  for (let index = 0; index < table.u16(featureList); index++) {
    const record = featureList + 2 + index * 6
    if (table.tag(record) !== 'kern') continue
    const feature = featureList + table.u16(record + 4)
    for (let lookup = 0; lookup < table.u16(feature + 2); lookup++) lookups.add(table.u16(feature + 4 + lookup * 2))
  }
  const index = new Map(glyphs.map((glyph, at) => [glyph, at]))
  const count = glyphs.length
  const totals = new Int32Array(count * count)
  for (const lookupIndex of [...lookups].sort((a, b) => a - b)) {
    const lookup = lookupList + table.u16(lookupList + 2 + lookupIndex * 2)
    // Pairs a subtable of this lookup has had: later subtables pass them by.
    const found = new Uint8Array(count * count)
    const apply = (left: number, right: number, value: number) => {
      const pair = left * count + right
      if (found[pair]) return
      found[pair] = 1
      totals[pair] += value
    }
    for (let subtable = 0; subtable < table.u16(lookup + 4); subtable++) {
      let offset = lookup + table.u16(lookup + 6 + subtable * 2)
      let type = table.u16(lookup)
      // An extension points on to the subtable (32-bit offsets for large tables).
      if (type === 9) {
        type = table.u16(offset + 2)
        offset += table.u32(offset + 4)
      }
      if (type === 2) pairPos(table, offset, glyphs, index, apply)
    }
  }
  const pairs: KernPair[] = []
  totals.forEach((value, pair) => {
    if (value !== 0) pairs.push([Math.floor(pair / count), pair % count, value])
  })
  return pairs
}

/**
 * Each pair of `glyphs` a PairPos subtable at `offset` has, given to
 * `apply` by their indexes in `glyphs` with the left glyph's advance
 * change. In format 2 every right glyph has a class (0 when unlisted), so
 * a covered left glyph has a value before every glyph.
 */
function pairPos(table: Reader, offset: number, glyphs: number[], index: Map<number, number>, apply: (left: number, right: number, value: number) => void): void {
  const format = table.u16(offset)
  const covered = coverage(table, offset + table.u16(offset + 2))
  const format1 = table.u16(offset + 4)
  const size1 = valueSize(format1)
  const size2 = valueSize(table.u16(offset + 6))
  // Only the x advance of the first glyph is kerning; it sits after the placements the format has.
  const advance = format1 & 0x0004 ? valueSize(format1 & 0x0003) : -1
  const read = (record: number) => (advance < 0 ? 0 : table.i16(record + advance))
  if (format === 1) {
    glyphs.forEach((left, leftIndex) => {
      const at = covered.get(left)
      if (at === undefined) return
      const set = offset + table.u16(offset + 10 + at * 2)
      for (let pair = 0; pair < table.u16(set); pair++) {
        const record = set + 2 + pair * (2 + size1 + size2)
        const right = index.get(table.u16(record))
        if (right !== undefined) apply(leftIndex, right, read(record + 2))
      }
    })
  } else if (format === 2) {
    const classes1 = offset + table.u16(offset + 8)
    const classes2 = offset + table.u16(offset + 10)
    const class2Count = table.u16(offset + 14)
    const rightClasses = glyphs.map((glyph) => classOf(table, classes2, glyph))
    glyphs.forEach((left, leftIndex) => {
      if (!covered.has(left)) return
      const row = offset + 16 + classOf(table, classes1, left) * class2Count * (size1 + size2)
      rightClasses.forEach((rightClass, right) => apply(leftIndex, right, read(row + rightClass * (size1 + size2))))
    })
  }
}

/** A value record's size: two bytes for each field its format has. */
function valueSize(format: number): number {
  let size = 0
  for (let bit = format & 0xff; bit; bit >>= 1) size += (bit & 1) * 2
  return size
}

/** A coverage table as glyph → coverage index. */
function coverage(table: Reader, offset: number): Map<number, number> {
  const indexes = new Map<number, number>()
  const count = table.u16(offset + 2)
  if (table.u16(offset) === 1) {
    for (let at = 0; at < count; at++) indexes.set(table.u16(offset + 4 + at * 2), at)
  } else {
    for (let range = 0; range < count; range++) {
      const record = offset + 4 + range * 6
      const [start, end, first] = [table.u16(record), table.u16(record + 2), table.u16(record + 4)]
      for (let glyph = start; glyph <= end; glyph++) indexes.set(glyph, first + glyph - start)
    }
  }
  return indexes
}

/** A glyph's class in a class definition table; 0 when it lists none. */
function classOf(table: Reader, offset: number, glyph: number): number {
  if (table.u16(offset) === 1) {
    const at = glyph - table.u16(offset + 2)
    return at >= 0 && at < table.u16(offset + 4) ? table.u16(offset + 6 + at * 2) : 0
  }
  for (let range = 0; range < table.u16(offset + 2); range++) {
    const record = offset + 4 + range * 6
    if (table.u16(record) <= glyph && glyph <= table.u16(record + 2)) return table.u16(record + 4)
  }
  return 0
}

/** Big-endian fields of a table. */
class Reader {
  private readonly view: DataView
  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  }
  u16(offset: number): number {
    return this.view.getUint16(offset)
  }
  i16(offset: number): number {
    return this.view.getInt16(offset)
  }
  u32(offset: number): number {
    return this.view.getUint32(offset)
  }
  tag(offset: number): string {
    return String.fromCharCode(...this.bytes.subarray(offset, offset + 4))
  }
}
