import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { unzipSync } from 'fflate'
import { describe, expect, it } from 'vitest'
import { build, type BuildOptions } from '../src/build.js'
import type { Limits } from '../src/limits.js'
// The corpus's own reader of editions: qpdf for PDF, every XML part of a DOCX, HTML parse errors, the JSON schema.
import { invalid } from '../scripts/robust/validate.mjs'
import { cli, fixture, needs, root, tempDir } from './helpers.js'

const formats = ['html', 'json', 'pdf', 'docx']
// PDFs are checked with qpdf: without it they are only built (and under CI, a missing qpdf fails the run).
const qpdf = needs('qpdf')
const front = (title: string) => `---\ntitle: ${title}\n---\n\n`

interface Case {
  source: string | Buffer
  /** Other files beside the source. */
  files?: Record<string, Buffer>
  limits?: Partial<Limits>
  /** `rule line:column`, in the order reported; none: the build succeeds and every edition is valid. */
  errors?: string[]
  warnings?: string[]
}

const photo = readFileSync(fixture('images', 'photo.jpg'))

const cases: Record<string, Case> = {
  'a footnote that cites a footnote': { source: front('Notes') + 'Text.[^a]\n\n[^a]: Cites another.[^b]\n\n[^b]: Cites the first.[^a]\n' },
  'control characters and noncharacters': {
    source: front('Controls') + 'Bell \u0007 and \uFFFE, \uFFFF.\n\n| a\u0001 | b |\n| - | - |\n| \u001B | x |\n',
    warnings: ['source-character 5:6']
  },
  'table rows with fewer and more cells than the header': { source: front('Ragged') + '| a | b | c |\n| - | - | - |\n| 1 |\n| 1 | 2 | 3 | 4 |\n' },
  'empty headings, # then ##': { source: front('Empty') + '#\n##\n\n# Real\n\n##\n' },
  'a block quote 3,000 deep': { source: front('Deep') + '> '.repeat(3000) + 'deep\n', errors: ['limit-depth 5:257'] },
  'lists nested 40 deep': { source: front('Deep') + Array.from({ length: 40 }, (_, i) => `${'  '.repeat(i)}- level ${i + 1}\n`).join(''), errors: ['limit-depth 37:65'] },
  'lists nested 40 deep, with the limit raised': {
    source: front('Deep') + Array.from({ length: 40 }, (_, i) => `${'  '.repeat(i)}- level ${i + 1}\n`).join(''),
    limits: { depth: 64 }
  },
  'emphasis nested 10,000 deep': { source: front('Deep') + '*_'.repeat(5000) + 'deep' + '_*'.repeat(5000) + '\n', errors: ['limit-depth 5:1'] },
  'a date in 2100': { source: '---\ntitle: Future\ndate: 2100-01-01\n---\n\nText.\n' },
  'a date before 1980': { source: '---\ntitle: Past\ndate: 1970-06\n---\n\nText.\n' },
  'an empty title': { source: '---\ntitle: ""\n---\n\nText.\n' },
  'a BOM, CRLF and lone CR line endings': { source: '\uFEFF---\r\ntitle: Endings\r\n---\r\n\r\n# Heading\r\rText\rmore.\n' },
  'a JPEG cut short': { source: front('Cut') + '![cut](cut.jpg)\n', files: { 'cut.jpg': photo.subarray(0, photo.length >> 1) }, warnings: ['image-format 5:1'] },
  'a table of 300 columns': {
    source: front('Wide') + `|${' h |'.repeat(300)}\n|${' - |'.repeat(300)}\n|${' word |'.repeat(300)}\n`,
    warnings: ['pdf-table-wide 5:1']
  },
  'a source over the size limit': { source: front('Big') + 'Text.\n', limits: { inputBytes: 20 }, errors: ['limit-input 1:1'] },
  'a table over the cell limit': { source: front('Cells') + '| a | b |\n| - | - |\n| 1 | 2 |\n', limits: { tableCells: 3 }, errors: ['limit-table 5:1'] },
  'footnotes over the limit': { source: front('Notes') + 'A[^1] B[^2] C[^3]\n\n[^1]: One.\n[^2]: Two.\n[^3]: Three.\n', limits: { footnotes: 2 }, errors: ['limit-footnotes 9:1'] },
  'an image over the pixel limit': { source: front('Pixels') + '![photo](photo.jpg)\n', files: { 'photo.jpg': photo }, limits: { imagePixels: 1000 }, warnings: ['limit-image 5:1'] }
}

const summary = (messages: Array<{ ruleId?: string | null; line?: number | null; column?: number | null; fatal?: boolean | null }>, fatal: boolean) =>
  messages.filter((message) => (message.fatal === true) === fatal).map((message) => `${message.ruleId} ${message.line}:${message.column}`)

describe.each(Object.entries(cases))('%s', (_name, testCase) => {
  const dir = tempDir('robust-')
  writeFileSync(path.join(dir, 'input.md'), testCase.source)
  for (const [name, data] of Object.entries(testCase.files ?? {})) writeFileSync(path.join(dir, name), data)
  const options: BuildOptions = { source: path.join(dir, 'input.md'), outDir: path.join(dir, 'out'), formats, limits: testCase.limits }

  it(testCase.errors ? 'stops with its problem at its place, in check and build alike' : 'builds every edition, each valid', async () => {
    const checked = await build({ ...options, check: true })
    const built = await build(options)
    expect(summary(built.file.messages, true)).toEqual(testCase.errors ?? [])
    expect(summary(checked.file.messages, true)).toEqual(summary(built.file.messages, true))
    for (const warning of testCase.warnings ?? []) expect(summary(built.file.messages, false)).toContain(warning)
    if (testCase.errors) {
      expect(built.written).toEqual([])
      return
    }
    expect(built.written).toHaveLength(formats.length)
    for (const written of built.written) {
      const format = path.extname(written).slice(1)
      if (format !== 'pdf' || qpdf) expect(await invalid(format, written), written).toBeUndefined()
    }
  })
})

describe('characters no edition can carry', () => {
  it('are gone from every edition', async () => {
    const dir = tempDir('robust-')
    writeFileSync(path.join(dir, 'input.md'), front('Controls') + '1. :finding[Bell \u0007 lead]{#bell}\n   Body \uFFFF here.\n')
    const { written } = await build({ source: path.join(dir, 'input.md'), outDir: path.join(dir, 'out'), formats })
    const docx = unzipSync(readFileSync(written.find((file) => file.endsWith('.docx'))!))
    const texts = [
      readFileSync(written.find((file) => file.endsWith('.html'))!, 'utf8'),
      readFileSync(written.find((file) => file.endsWith('.json'))!, 'utf8'),
      new TextDecoder().decode(docx['word/document.xml'])
    ]
    for (const text of texts) {
      expect(text).not.toMatch(/[\u0007\uFFFF]|\\u0007|\\uffff/i)
      expect(text).toContain('Bell  lead')
    }
  })
})

describe('outputs, whole or not at all', () => {
  it('an output path that is a folder stops the build with exit 1, and nothing is replaced or left behind', () => {
    const dir = tempDir()
    writeFileSync(path.join(dir, 'input.md'), front('Folder') + 'Text.\n')
    const out = path.join(dir, 'out')
    mkdirSync(path.join(out, 'input.json'), { recursive: true })
    writeFileSync(path.join(out, 'input.html'), 'previous edition')
    const result = cli(['build', 'input.md', '--out', 'out', '--format', 'html,json'], { cwd: dir })
    expect(result.status).toBe(1)
    expect(result.stderr).toContain('out/input.json` (it is a folder), expected a folder dossier may write in; nothing was replaced  output-unwritable')
    expect(readFileSync(path.join(out, 'input.html'), 'utf8')).toBe('previous edition')
    expect(readdirSync(out).sort()).toEqual(['input.html', 'input.json'])
    // One output alone is written beside the others, not in a staging folder: nothing of it is left either.
    const alone = cli(['build', 'input.md', '--out', 'out', '--format', 'json'], { cwd: dir })
    expect(alone.status).toBe(1)
    expect(alone.stderr).toContain('out/input.json` (it is a folder)')
    expect(readdirSync(out).sort()).toEqual(['input.html', 'input.json'])
  })

  it('an output folder that cannot be made fails at once with exit 1', () => {
    const dir = tempDir()
    writeFileSync(path.join(dir, 'input.md'), front('Nowhere') + 'Text.\n')
    writeFileSync(path.join(dir, 'file'), 'a file')
    for (const out of ['file', 'file/out', '/proc/dossier-out']) {
      const result = cli(['build', 'input.md', '--out', out], { cwd: dir })
      expect(result.status, out).toBe(1)
      expect(result.stderr, out).toMatch(/error {2}Cannot write to .* output-unwritable/)
    }
  })

  it('a staging folder or file left by a killed build is removed by the next one', () => {
    const dir = tempDir()
    writeFileSync(path.join(dir, 'input.md'), front('Stale') + 'Text.\n')
    const stale = path.join(dir, 'out', '.dossier-2147483646-abcdef')
    mkdirSync(path.join(stale, 'new'), { recursive: true })
    writeFileSync(path.join(stale, 'new', 'input.html'), 'half writ')
    // A build writing one edition writes it beside the others, not in a folder.
    writeFileSync(path.join(dir, 'out', '.dossier-2147483646-1'), 'half writ')
    expect(cli(['build', 'input.md', '--format', 'html'], { cwd: dir }).status).toBe(0)
    expect(readdirSync(path.join(dir, 'out'))).toEqual(['input.html'])
  })

  it('a build killed at any moment leaves each edition old or new, never broken', async () => {
    const dir = tempDir()
    const source = path.join(root, 'source', 'report.md')
    const fresh = path.join(dir, 'fresh')
    expect(cli(['build', source, '--out', fresh, '--format', 'html,json,pdf']).status).toBe(0)
    const out = path.join(dir, 'out')
    mkdirSync(out)
    const names = ['report.html', 'report.json', 'report.pdf']
    for (const name of names) writeFileSync(path.join(out, name), 'old edition')
    // Killed early, while rendering, while writing and while renaming: spread over a build's length.
    for (const delay of [50, 300, 800, 1500, 2500, 4000]) {
      const child = spawn(process.execPath, [path.join(root, 'dist', 'cli.js'), 'build', source, '--out', out, '--format', 'html,json,pdf'], { stdio: 'ignore' })
      // Listened for at once: a build that ends before the kill has exited already.
      const exited = new Promise((resolve) => child.on('exit', resolve))
      await new Promise((resolve) => setTimeout(resolve, delay))
      child.kill('SIGKILL')
      await exited
      for (const name of names) {
        const now = readFileSync(path.join(out, name))
        expect(now.toString() === 'old edition' || now.equals(readFileSync(path.join(fresh, name))), `${name} after ${delay} ms`).toBe(true)
      }
    }
    expect(cli(['build', source, '--out', out, '--format', 'html']).status).toBe(0)
    expect(readdirSync(out).filter((name) => name.startsWith('.'))).toEqual([])
    expect(existsSync(path.join(out, 'report.html'))).toBe(true)
    // Seven builds of the report, six of them killed: longer than the default on a busy machine.
  }, 300_000)
})
