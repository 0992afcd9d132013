import { execFileSync } from 'node:child_process'
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { strFromU8, unzipSync } from 'fflate'
import { PDFParse } from 'pdf-parse'
import { VFile } from 'vfile'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { build } from '../src/build.js'
import { parseReport, reportData } from '../src/pipeline.js'
import { reportProblems } from '../src/report-problems.js'
import type { ReportData } from '../src/types.js'

const root = path.resolve(import.meta.dirname, '..')
const fixtures = path.join(root, 'test', 'fixtures')
const temporary: string[] = []

/** The recommendations each shipped template is meant to select. */
const shipped: Record<string, string[]> = {
  us: ['declared-policy', 'implement-sanctions', 'legal-normative-base', 'international-cooperation'],
  alliance: ['contingency-plans', 'outside-information', 'strategic-balance', 'interoperability', 'information-sharing', 'confidence-building', 'norms-coordination'],
  defenders: ['contingency-plans', 'interoperability', 'information-sharing']
}

async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix))
  temporary.push(dir)
  return dir
}

async function pdfText(bytes: Uint8Array): Promise<{ text: string; pages: number }> {
  const parser = new PDFParse({ data: new Uint8Array(bytes) })
  try {
    const result = await parser.getText()
    return { text: normalize(result.text), pages: result.total }
  } finally {
    await parser.destroy()
  }
}

/** Undo line wrapping: a hyphen at a line's end joins, other breaks are spaces. */
function normalize(text: string): string {
  return text.replace(/-\n/g, '-').replace(/\s+/g, ' ')
}

/** Page counts of PDFs LibreOffice makes from every DOCX in a folder. */
function libreOfficePages(dir: string, names: string[]): Record<string, number> {
  const outDir = path.join(dir, 'libreoffice')
  const profile = `file://${path.join(dir, 'lo-profile')}`
  execFileSync('soffice', ['--headless', `-env:UserInstallation=${profile}`, '--convert-to', 'pdf', '--outdir', outDir, ...names.map((name) => path.join(dir, name))], { stdio: 'ignore' })
  return Object.fromEntries(names.map((name) => [name, pdfinfoPages(path.join(outDir, name.replace(/\.docx$/, '.pdf')))]))
}

function pdfinfoPages(file: string): number {
  const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' })
  return Number(/^Pages:\s+(\d+)/m.exec(info)?.[1])
}

/** Heights of the words pdftotext finds, most common first. */
function wordHeights(file: string): { heights: number[]; lowest: number; pageHeight: number } {
  const html = execFileSync('pdftotext', ['-bbox', file, '-'], { encoding: 'utf8' })
  const words = [...html.matchAll(/yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)"/g)].map((m) => ({ yMin: Number(m[1]), yMax: Number(m[2]) }))
  const counts = new Map<number, number>()
  for (const word of words) {
    const height = Math.round((word.yMax - word.yMin) * 10) / 10
    counts.set(height, (counts.get(height) ?? 0) + 1)
  }
  const pageHeight = Number(/<page width="[\d.]+" height="([\d.]+)"/.exec(html)?.[1])
  return { heights: [...counts].sort((a, b) => b[1] - a[1]).map(([height]) => height), lowest: Math.max(...words.map((w) => w.yMax)), pageHeight }
}

afterAll(async () => {
  await Promise.all(temporary.map((dir) => rm(dir, { recursive: true, force: true })))
})

describe('shipped memos', () => {
  let outDir: string
  let report: ReportData
  let written: string[]

  beforeAll(async () => {
    outDir = await tempDir('memo-build-')
    const result = await build({ source: path.join(root, 'source', 'report.md'), outDir, formats: ['memo'] })
    expect(reportProblems([result.file], { quiet: true })).toBe('')
    written = result.written.map((file) => path.relative(outDir, file)).sort()
    const file = new VFile({ path: 'report.md', value: await readFile(path.join(root, 'source', 'report.md'), 'utf8') })
    await parseReport(file)
    report = reportData(file)
  })

  test('writes every template as PDF, DOCX and HTML', () => {
    const expected = Object.keys(shipped).flatMap((id) => ['docx', 'html', 'pdf'].map((ext) => `memos/report.${id}.${ext}`))
    expect(written).toEqual(expected.sort())
  })

  test.each(Object.keys(shipped))('%s: the PDF is one page and holds each selected recommendation', async (id) => {
    const { text, pages } = await pdfText(await readFile(path.join(outDir, 'memos', `report.${id}.pdf`)))
    expect(pages).toBe(1)
    for (const item of report.recommendations.filter((r) => shipped[id].includes(r.id))) {
      expect(text).toContain(`${item.label} ${normalize(item.lead)}`)
    }
    // The URL may wrap after a slash.
    expect(text.replace(/\s/g, '')).toContain(report.meta.url!)
  })

  test.each(Object.keys(shipped))('%s: the HTML holds the same recommendations', async (id) => {
    const html = await readFile(path.join(outDir, 'memos', `report.${id}.html`), 'utf8')
    const ids = [...html.matchAll(/<li id="([^"]+)"/g)].map((m) => m[1])
    expect(ids).toEqual(shipped[id])
    expect(html).toContain('@page { size: var(--page-width) var(--page-height)')
  })

  test('each DOCX lays out on one page in LibreOffice', () => {
    const names = Object.keys(shipped).map((id) => `report.${id}.docx`)
    const pages = libreOfficePages(path.join(outDir, 'memos'), names)
    expect(pages).toEqual(Object.fromEntries(names.map((name) => [name, 1])))
  })

  test('builds are byte-identical', async () => {
    const again = await tempDir('memo-build-again-')
    await build({ source: path.join(root, 'source', 'report.md'), outDir: again, formats: ['memo'] })
    for (const name of await readdir(path.join(outDir, 'memos'))) {
      if (!/\.(pdf|docx|html)$/.test(name)) continue
      const [first, second] = await Promise.all([readFile(path.join(outDir, 'memos', name)), readFile(path.join(again, 'memos', name))])
      expect(Buffer.compare(first, second), name).toBe(0)
    }
  })
})

describe('fitting and problems', () => {
  test('a template selecting more than a page holds fails, saying by how much and what to cut', async () => {
    // Messages name a definition by its path from the working folder, as editors jump to it.
    const definition = path.join('test', 'fixtures', 'memo-overflow', 'memos', 'all.yaml')
    const result = await build({ source: path.join(fixtures, 'memo-overflow', 'input.md'), outDir: await tempDir('memo-out-'), formats: ['memo'] })
    expect(result.written).toEqual([])
    const template = await readFile(definition, 'utf8')
    const line = template.split('\n').findIndex((text) => text.startsWith('  audiences:')) + 1
    const message = result.file.messages.find((m) => m.ruleId === 'memo-overflow')
    expect(message?.fatal).toBe(true)
    expect(message?.file).toBe(definition)
    expect([message?.line, message?.column]).toEqual([line, 3])
    expect(message?.reason).toMatch(/^Memo `all` overflows one page by \d+\.\d+in \(about \d+ lines\) even condensed to “[^”]+” with 1 finding; it selects 20 recommendations and a page holds \d+: cut at least \d+/)
    expect(reportProblems([result.file])).toContain(`${message?.file}:${line}:3  error  Memo \`all\` overflows`)
  })

  test('a short memo is neither padded nor stretched', async () => {
    const outDir = await tempDir('memo-out-')
    const result = await build({ source: path.join(fixtures, 'memo-sparse', 'input.md'), outDir, formats: ['memo'] })
    expect(reportProblems([result.file], { quiet: true })).toBe('')
    const pdf = path.join(outDir, 'memos', 'input.brief.pdf')
    const { text, pages } = await pdfText(await readFile(pdf))
    expect(pages).toBe(1)
    // The fullest form: the recommendation's rationale, whole.
    expect(text).toContain('1.a Fund a resilience program. A small program would find weaknesses before an adversary does.')
    // Body type at the layout's own size: the same word height as in the report's memos.
    const shippedOut = await tempDir('memo-build-')
    await build({ source: path.join(root, 'source', 'report.md'), outDir: shippedOut, formats: ['memo'], audience: 'us' })
    const sparse = wordHeights(pdf)
    expect(sparse.heights[0]).toBe(wordHeights(path.join(shippedOut, 'memos', 'report.us.pdf')).heights[0])
    // It ends in the top half of the page: nothing spread out to fill it.
    expect(sparse.lowest).toBeLessThan(sparse.pageHeight / 2)
  })

  test('rationales stay for as many recommendations as fit, the last losing theirs first, alike in every format', async () => {
    const outDir = await tempDir('memo-out-')
    const result = await build({ source: path.join(fixtures, 'memo-partial', 'input.md'), outDir, formats: ['memo'] })
    expect(reportProblems([result.file], { quiet: true })).toBe('')
    const base = path.join(outDir, 'memos', 'input.partial')
    const html = await readFile(`${base}.html`, 'utf8')
    const rationales = [...html.matchAll(/<li id="[^"]+">.*?<\/strong>(.*?)<\/span><\/li>/g)].map((m) => m[1].trim())
    expect(rationales).toHaveLength(6)
    // Neither all nor none: the fit is finer than one step for the whole memo.
    const kept = rationales.filter(Boolean).length
    expect(kept).toBeGreaterThan(0)
    expect(kept).toBeLessThan(rationales.length)
    // Those that keep one come first.
    expect(rationales.slice(0, kept).every(Boolean)).toBe(true)
    const { text, pages } = await pdfText(await readFile(`${base}.pdf`))
    const docx = strFromU8(unzipSync(await readFile(`${base}.docx`))['word/document.xml'])
    expect(pages).toBe(1)
    for (const rationale of rationales.slice(0, kept)) {
      expect(text).toContain(rationale)
      expect(docx).toContain(rationale)
    }
    // The first dropped rationale is in no format.
    const dropped = 'The networks that support rail signalling'
    expect(html).not.toContain(dropped)
    expect(text).not.toContain(dropped)
    expect(docx).not.toContain(dropped)
  })

  test('unknown audiences, themes, ids and sentences are errors at the template’s line and column', async () => {
    const result = await build({ source: path.join(fixtures, 'memo-unknown', 'input.md'), outDir: await tempDir('memo-out-'), formats: ['memo'] })
    expect(result.written).toEqual([])
    const templatePath = path.join('test', 'fixtures', 'memo-unknown', 'memos', 'bad.yaml')
    const lines = (await readFile(templatePath, 'utf8')).split('\n')
    const placeOf = (word: string) => {
      const index = lines.findIndex((line) => line.includes(word))
      return `${templatePath}:${index + 1}:${lines[index].indexOf(word) + 1}`
    }
    const printed = reportProblems([result.file])
    expect(printed).toContain(`${placeOf('nato')}  error  Unknown audience \`nato\``)
    expect(printed).toContain(`${placeOf('morale')}  error  Unknown theme \`morale\``)
    expect(printed).toContain(`${placeOf('no-such-recommendation')}  error  Unknown recommendation \`no-such-recommendation\``)
    expect(printed).toContain(`${placeOf('no-such-finding')}  error  Unknown finding \`no-such-finding\``)
    expect(printed).toContain(`${placeOf('9]')}  error  Unexpected sentence 9, expected at most 3`)
  })

  test('two definitions of one report with the same id are an error at the second’s id', async () => {
    const dir = await tempDir('memo-duplicate-')
    await mkdir(path.join(dir, 'memos'))
    await writeFile(path.join(dir, 'report.md'), await readFile(path.join(fixtures, 'memo-sparse', 'input.md')))
    const definition = await readFile(path.join(fixtures, 'memo-sparse', 'memos', 'brief.yaml'), 'utf8')
    await writeFile(path.join(dir, 'memos', 'a.yaml'), definition)
    await writeFile(path.join(dir, 'memos', 'b.yaml'), definition)
    const result = await build({ source: path.join(dir, 'report.md'), check: true })
    const line = definition.split('\n').findIndex((text) => text.startsWith('id: brief')) + 1
    expect(reportProblems([result.file])).toContain(`${path.join(dir, 'memos', 'b.yaml')}:${line}:5  error  Duplicate memo id \`brief\``)
  })

  test('a templates folder holding only `memo/layout.yaml` sets the memo’s type, and takes everything else from dossier’s own', async () => {
    const templatesDir = await tempDir('memo-layout-only-')
    const layout = await readFile(path.join(root, 'templates', 'memo', 'layout.yaml'), 'utf8')
    expect(layout).toContain('  body: 10.5pt\n')
    await mkdir(path.join(templatesDir, 'memo'))
    await writeFile(path.join(templatesDir, 'memo', 'layout.yaml'), layout.replace('  body: 10.5pt\n', '  body: 14pt\n'))
    const outDir = await tempDir('memo-out-')
    const result = await build({ source: path.join(fixtures, 'memo-sparse', 'input.md'), outDir, formats: ['memo'], templatesDir })
    expect(reportProblems([result.file], { quiet: true })).toBe('')
    const defaultOut = await tempDir('memo-out-')
    await build({ source: path.join(fixtures, 'memo-sparse', 'input.md'), outDir: defaultOut, formats: ['memo'] })
    const larger = wordHeights(path.join(outDir, 'memos', 'input.brief.pdf')).heights[0]
    const usual = wordHeights(path.join(defaultOut, 'memos', 'input.brief.pdf')).heights[0]
    expect(larger / usual).toBeCloseTo(14 / 10.5, 1)
    // The stylesheet still comes from dossier's own `memo/memo.css`.
    expect(await readFile(path.join(outDir, 'memos', 'input.brief.html'), 'utf8')).toContain('@page { size: var(--page-width) var(--page-height)')
  })

  test('the command line overrides a definition’s header fields', async () => {
    const outDir = await tempDir('memo-out-')
    await build({
      source: path.join(fixtures, 'memo-sparse', 'input.md'),
      outDir,
      formats: ['memo'],
      audience: 'brief',
      memoOverrides: { to: 'The Deputy Secretary', date: '2021-03-04' }
    })
    const html = await readFile(path.join(outDir, 'memos', 'input.brief.html'), 'utf8')
    expect(html).toContain('<dd>The Deputy Secretary</dd>')
    expect(html).toContain('<dd>March 4, 2021</dd>')
  })
})
