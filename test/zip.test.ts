import { strToU8, unzipSync, zipSync } from 'fflate'
import { describe, expect, it } from 'vitest'
import { zipEntries, type ZipEntry } from '../src/render/docx/zip.js'

/** Bytes that deflate neither to nothing nor not at all, the same every run: a font's stand-in. */
function sample(length: number): Uint8Array {
  const words = ['cyber ', 'operations ', 'North ', 'Korea ', 'deterrence ', 'alliance ', '\u0000\u0001', 'glyf ']
  let text = ''
  for (let state = 7; text.length < length; state = (state * 1103515245 + 12345) >>> 0) text += words[state >>> 29]
  return strToU8(text.slice(0, length))
}

describe('zipEntries', () => {
  const date = new Date(Date.UTC(2015, 11, 16, 13, 45, 30))
  const entries: ZipEntry[] = [
    { name: '[Content_Types].xml', data: strToU8('<Types>'.repeat(200)) },
    { name: 'word/fonts/font1.odttf', data: sample(70_000) },
    { name: 'word/média/é.txt', data: strToU8('é') },
    { name: 'empty', data: new Uint8Array(0) }
  ]

  it('writes the bytes fflate’s zipSync writes, so editions did not change with it', () => {
    // fflate reads a Date's local fields as the DOS time; zipEntries reads the UTC ones.
    const mtime = new Date(2015, 11, 16, 13, 45, 30)
    const expected = zipSync(Object.fromEntries(entries.map((entry) => [entry.name, [entry.data as Uint8Array, { mtime, level: 6 }]])))
    expect(zipEntries(entries, date)).toEqual(expected)
  })

})
