import { readFileSync } from 'node:fs'

/**
 * A face's natural line height as a multiple of its size: (ascent −
 * descent) / units per em, from its `hhea` and `head` tables. pdfmake and
 * Word multiply this by the line spacing; CSS multiplies the size, so the
 * HTML needs it to set lines as the PDF does.
 */
export function naturalLineHeight(ttfPath: string): number {
  const font = readFileSync(ttfPath)
  const hhea = tableOffset(font, 'hhea')
  const head = tableOffset(font, 'head')
  const ascent = font.readInt16BE(hhea + 4)
  const descent = font.readInt16BE(hhea + 6)
  const unitsPerEm = font.readUInt16BE(head + 18)
  return (ascent - descent) / unitsPerEm
}

/** Offset of a table in a TrueType file's table directory (OpenType spec, "Table Directory"). */
function tableOffset(font: Buffer, tag: string): number {
  const tables = font.readUInt16BE(4)
  for (let index = 0; index < tables; index++) {
    const record = 12 + index * 16
    if (font.toString('latin1', record, record + 4) === tag) return font.readUInt32BE(record + 8)
  }
  throw new Error(`No \`${tag}\` table in the font`)
}
