import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { strFromU8, unzipSync } from 'fflate'
import { PDFParse } from 'pdf-parse'
import { beforeAll, describe, expect, it } from 'vitest'
import { build } from '../src/build.js'
import { cli, reportSource, tempDir } from './helpers.js'

/** 2023-11-14T22:13:20Z: a day far from the report's December 2015. */
const epoch = '1700000000'

/** Every file under a folder, by its path relative to it. */
function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)))
    .sort()
}

async function pdfTextAndInfo(file: string): Promise<{ text: string; info: Record<string, unknown> }> {
  const parser = new PDFParse({ data: new Uint8Array(readFileSync(file)) })
  try {
    const [text, info] = [await parser.getText(), await parser.getInfo()]
    return { text: text.text, info: info.info as Record<string, unknown> }
  } finally {
    await parser.destroy()
  }
}

function docxParts(file: string): Record<string, string> {
  return Object.fromEntries(Object.entries(unzipSync(readFileSync(file))).map(([name, bytes]) => [name, strFromU8(bytes)]))
}

describe('SOURCE_DATE_EPOCH sets timestamps inside files, never a date a reader sees', () => {
  const plain = tempDir()
  const stamped = tempDir()
  const again = tempDir()

  beforeAll(async () => {
    for (const [out, value] of [[plain, undefined], [stamped, epoch]] as const) {
      if (value) process.env.SOURCE_DATE_EPOCH = value
      else delete process.env.SOURCE_DATE_EPOCH
      const result = await build({ source: reportSource, outDir: out })
      expect(result.file.messages.filter((message) => message.fatal).map(String)).toEqual([])
    }
    delete process.env.SOURCE_DATE_EPOCH
    // Again in a process of its own: only the files with timestamps.
    const result = cli(['build', reportSource, '--out', again, '--format', 'docx,pdf'], { env: { SOURCE_DATE_EPOCH: epoch } })
    expect(result.status, result.stderr).toBe(0)
  })

  it('two builds with the same epoch are byte-identical', () => {
    expect(files(again)).toEqual(['report.docx', 'report.pdf'])
    for (const name of files(again)) expect(readFileSync(path.join(again, name)).equals(readFileSync(path.join(stamped, name))), name).toBe(true)
  })

  it('the web pages and the data are byte-identical with and without it', () => {
    expect(files(stamped)).toEqual(files(plain))
    for (const name of files(plain).filter((name) => /\.(html|json)$/.test(name))) {
      expect(readFileSync(path.join(stamped, name)).equals(readFileSync(path.join(plain, name))), name).toBe(true)
    }
  })

  it('the memos’ DATE line stays the report’s date', async () => {
    const html = readFileSync(path.join(stamped, 'memos', 'report.us.html'), 'utf8')
    expect(html).toContain('December 2015')
    expect(html).not.toContain('2023')
    const { text } = await pdfTextAndInfo(path.join(stamped, 'memos', 'report.us.pdf'))
    expect(text).toContain('December 2015')
    expect(text).not.toContain('2023')
  })

  it('PDFs read the same and differ only in their timestamps', async () => {
    for (const name of files(plain).filter((name) => name.endsWith('.pdf'))) {
      const [before, after] = await Promise.all([pdfTextAndInfo(path.join(plain, name)), pdfTextAndInfo(path.join(stamped, name))])
      expect(after.text, name).toBe(before.text)
      expect(String(after.info.CreationDate), name).toContain('20231114221320')
      expect(String(before.info.CreationDate), name).toContain('20151201000000')
    }
  })

  it('Word files hold the same parts, the same words, and differ only in their timestamps', () => {
    for (const name of files(plain).filter((name) => name.endsWith('.docx'))) {
      const [before, after] = [docxParts(path.join(plain, name)), docxParts(path.join(stamped, name))]
      expect(Object.keys(after), name).toEqual(Object.keys(before))
      for (const part of Object.keys(before).filter((part) => part !== 'docProps/core.xml')) expect(after[part], `${name} ${part}`).toBe(before[part])
      expect(after['docProps/core.xml']).toContain('2023-11-14T22:13:20Z')
      expect(before['docProps/core.xml']).toContain('2015-12-01T00:00:00Z')
    }
  })
})

describe('a report’s date as readers read it', () => {
  it('is written in English as Intl writes it, for every day of four years, by month and by year', async () => {
    const { displayDate } = await import('../src/format.js')
    const intl = (date: string, options: Intl.DateTimeFormatOptions) => {
      const [year, month, day] = date.split('-').map(Number)
      return new Intl.DateTimeFormat('en', { ...options, timeZone: 'UTC' }).format(new Date(Date.UTC(year, (month ?? 1) - 1, day ?? 1)))
    }
    for (let time = Date.UTC(2015, 0, 1); time < Date.UTC(2019, 0, 1); time += 86_400_000) {
      const day = new Date(time).toISOString().slice(0, 10)
      expect(displayDate(day, 'en')).toBe(intl(day, { year: 'numeric', month: 'long', day: 'numeric' }))
      expect(displayDate(day, 'en-US')).toBe(intl(day, { year: 'numeric', month: 'long', day: 'numeric' }))
      expect(displayDate(day.slice(0, 7), 'en')).toBe(intl(day.slice(0, 7), { year: 'numeric', month: 'long' }))
    }
    expect(displayDate('2015', 'en')).toBe('2015')
    // A day that does not exist is left to Intl, as before; other languages too.
    expect(displayDate('2015-02-31', 'en')).toBe(intl('2015-02-31', { year: 'numeric', month: 'long', day: 'numeric' }))
    expect(displayDate('2015-12-16', 'en-GB')).toBe('16 December 2015')
    expect(displayDate('2015-12', 'ja')).toBe('2015年12月')
  })
})
