import { createHash } from 'node:crypto'
import { statSync } from 'node:fs'
import { codeVersion, readCache, writeCache } from '../../disk-cache.js'
import type { FontFaces } from '../../fonts.js'
import type { OutputFile, ReportItem } from '../../types.js'

/**
 * A memo's files (PDF, DOCX, HTML) are made from a small part of its
 * report: the items and sentences it selects, the report's front matter,
 * the memo layout, faces and stylesheet. An edit elsewhere in the report
 * leaves them as they were, and fitting a memo to its page lays it out
 * twice with pdfmake. So each memo's files are kept between builds
 * (`node_modules/.cache/dossier/memo/`) under a hash of everything they
 * are made from, and used again, byte for byte, when all of it is the same.
 * What it is made from is named, not guessed: the definition and what it
 * selected (without where in the source it stands), the front matter, the
 * header, the layout, the build's date, the report's name (the memos link
 * to its web edition), every face file (path, size, time written), the
 * stylesheet and web faces, `DOSSIER_*` settings, and dossier's code and
 * installed packages (`codeVersion`). What every memo of a build shares
 * (faces, settings, code) is worked out once: the key of each memo is then
 * a function of its own inputs.
 */
export function memoKeys(faces: Record<string, FontFaces>): (inputs: Record<string, unknown>) => string {
  const files = Object.values(faces).flatMap((family) => Object.values(family).filter((file): file is string => typeof file === 'string'))
  const stamps = [...new Set(files)].sort().map((file) => {
    try {
      const stat = statSync(file)
      return `${file}\0${stat.size}\0${stat.mtimeMs}`
    } catch {
      return `${file}\0missing`
    }
  })
  const settings = Object.keys(process.env)
    .filter((name) => name.startsWith('DOSSIER_'))
    .sort()
    .map((name) => `${name}=${process.env[name]}`)
  const code = codeVersion()
  return (inputs) => createHash('sha256').update(JSON.stringify({ code, settings, stamps, inputs })).digest('hex')
}

/** An item as a key names it: what it says, not where it stands in the source (an edit above it moves it). */
export function keyedItem({ position: _, ...item }: ReportItem): Omit<ReportItem, 'position'> {
  return item
}

/** Memos kept: as many as a hundred definitions make, in at most 64 MB. */
const keptMemos = 400
const keptBytes = 64 * 1024 * 1024

/**
 * A memo's files as an earlier build kept them, or nothing. An entry is a
 * line of JSON (each file's path, title, date, length and whether it is
 * text), then the files' bytes one after another.
 */
export function keptMemo(key: string): OutputFile[] | undefined {
  const entry = readCache('memo', key)
  if (!entry) return undefined
  try {
    const end = entry.indexOf(0x0a)
    const listed = JSON.parse(entry.subarray(0, end).toString('utf8')) as Array<Omit<OutputFile, 'data'> & { length: number; text: boolean }>
    let at = end + 1
    return listed.map(({ length, text, ...file }) => {
      const bytes = entry.subarray(at, (at += length))
      return { ...file, data: text ? bytes.toString('utf8') : new Uint8Array(bytes) }
    })
  } catch {
    // Written by another version, in another form: made anew.
    return undefined
  }
}

/** Keep a memo's files under `key` for the next build. */
export function keepMemo(key: string, files: OutputFile[]): void {
  const data = files.map((file) => (typeof file.data === 'string' ? Buffer.from(file.data, 'utf8') : Buffer.from(file.data.buffer, file.data.byteOffset, file.data.byteLength)))
  const listed = files.map(({ data: _, ...file }, index) => ({ ...file, length: data[index].length, text: typeof files[index].data === 'string' }))
  writeCache('memo', key, Buffer.concat([Buffer.from(`${JSON.stringify(listed)}\n`), ...data]), keptMemos, keptBytes)
}
