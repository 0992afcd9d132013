import { execFileSync } from 'node:child_process'
import { cp, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import os from 'node:os'
import path from 'node:path'
import { strFromU8, unzipSync } from 'fflate'
import { PDFParse } from 'pdf-parse'
import { VFile } from 'vfile'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { build } from '../src/build.js'
import { parseReport, reportData } from '../src/pipeline.js'
import { keepMemo, keptMemo } from '../src/render/memo/kept.js'
import { reportProblems } from '../src/report-problems.js'
import type { ReportData, ReportItem } from '../src/types.js'
import { embeddedFaces, needs } from './helpers.js'

const fontkit = createRequire(import.meta.url)('fontkit') as typeof import('fontkit')

const root = path.resolve(import.meta.dirname, '..')
const fixtures = path.join(root, 'test', 'fixtures')
const temporary: string[] = []

/** The recommendations each shipped definition is meant to select, in the memo's order (its `select.order` first). */
const shipped: Record<string, string[]> = {
  us: ['declared-policy', 'implement-sanctions', 'legal-normative-base', 'international-cooperation'],
  alliance: ['contingency-plans', 'interoperability', 'information-sharing', 'outside-information', 'strategic-balance', 'confidence-building', 'norms-coordination'],
  defenders: ['information-sharing', 'contingency-plans', 'interoperability']
}

/** The recommendations of an HTML memo: id, number, lead, the reasoning after it, and the reference's text and link. */
function memoItems(html: string): Array<{ id: string; number: string; lead: string; rationale: string; reference: string; href: string }> {
  const items = html.matchAll(/<li id="([^"]+)"><span class="marker">([^<]*)<\/span><span><strong>([^<]*)<\/strong>(.*?) <span class="muted">\(<a class="reference" href="([^"]+)">([^<]*)<\/a>\)<\/span><\/span><\/li>/g)
  return [...items].map(([, id, number, lead, rationale, href, reference]) => ({ id, number, lead, rationale: rationale.trim(), reference, href }))
}

/** The bottom line of an HTML memo. */
function bottomLine(html: string): string {
  return /<h2>BOTTOM LINE UP FRONT<\/h2><p>(.*?)<\/p>/.exec(html)![1]
}

/** True when `rationale` is whole sentences from the start of the item's body: what follows it in the body starts a sentence, or nothing does. */
function wholeSentencesOf(rationale: string, item: ReportItem): boolean {
  const body = item.body.text.replace(/\s+/g, ' ')
  if (!body.startsWith(rationale)) return false
  const rest = body.slice(rationale.length)
  return /[.?!]["”’)]?$/.test(rationale) && (rest === '' || /^ [A-Z“‘(]/.test(rest))
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

  test.each(Object.keys(shipped))('%s: the PDF is one page and holds each selected recommendation, numbered by the memo, with the report’s label', async (id) => {
    const { text, pages } = await pdfText(await readFile(path.join(outDir, 'memos', `report.${id}.pdf`)))
    expect(pages).toBe(1)
    shipped[id].forEach((itemId, index) => {
      const item = report.recommendations.find((r) => r.id === itemId)!
      expect(text).toContain(`${index + 1}. ${normalize(item.lead)}`)
      // Kerning may set the closing parenthesis a space apart.
      expect(text).toMatch(new RegExp(`\\(Recommendation\\s${item.label.replace('.', '\\.')} ?\\)`))
    })
    // The URL may wrap after a slash.
    expect(text.replace(/\s/g, '')).toContain(report.meta.url!)
  })

  test.each(Object.keys(shipped))('%s: the HTML holds the same recommendations, each linked to its place in the web edition', async (id) => {
    const html = await readFile(path.join(outDir, 'memos', `report.${id}.html`), 'utf8')
    const items = memoItems(html)
    expect(items.map((item) => item.id)).toEqual(shipped[id])
    for (const item of items) {
      const label = report.recommendations.find((r) => r.id === item.id)!.label
      expect(item.reference).toBe(`Recommendation\u00a0${label}`)
      expect(item.href).toBe(`../report.html#${item.id}`)
    }
    expect(html).toContain('@page { size: var(--page-width) var(--page-height)')
  })

  test.each(Object.keys(shipped))('%s: reasoning is whole sentences of the report, never cut, and the first recommendation has some', async (id) => {
    const html = await readFile(path.join(outDir, 'memos', `report.${id}.html`), 'utf8')
    const items = memoItems(html)
    for (const item of items) {
      expect(item.rationale).not.toContain('…')
      if (item.rationale) expect(wholeSentencesOf(item.rationale, report.recommendations.find((r) => r.id === item.id)!), item.rationale).toBe(true)
    }
    expect(items[0].rationale).not.toBe('')
    const { text } = await pdfText(await readFile(path.join(outDir, 'memos', `report.${id}.pdf`)))
    expect(text).not.toContain('…')
  })

  test('each bottom line opens with what the memo recommends to its readers, from its first leads, then the report’s own sentence; no two alike', async () => {
    const lines = Object.fromEntries(await Promise.all(Object.keys(shipped).map(async (id) => [id, bottomLine(await readFile(path.join(outDir, 'memos', `report.${id}.html`), 'utf8'))])))
    // Instructions join one sentence as clauses, numbered as the memo numbers them.
    expect(lines.us).toMatch(/^We recommend that U\.S\. policymakers \(1\) consider developing a declared policy .* and \(2\) further implement Executive Order 13687 and 13694 .*national security\. These attacks have shown that the country is capable/)
    // A lead that is a statement keeps its own sentence.
    expect(lines.alliance).toMatch(/^We recommend to U\.S\.–ROK alliance planners: The U\.S\. and ROK should develop contingency plans .* Concurrently, the DPRK will likely deepen/)
    expect(lines.defenders).toMatch(/^We recommend that network defenders and CERT\/CSIRT leads encourage greater information sharing arrangements beyond intelligence and government agencies\. Beyond intelligence sharing/)
    expect(new Set(Object.values(lines)).size).toBe(3)
  })

  test.skipIf(!needs('poppler'))('the conventions a definition names are on the page, and only those', async () => {
    // pdftotext joins the letters of tracked type into words.
    const text = async (id: string) => normalize(execFileSync('pdftotext', [path.join(outDir, 'memos', `report.${id}.pdf`), '-'], { encoding: 'utf8' })).trim()
    const [us, alliance, defenders] = await Promise.all(['us', 'alliance', 'defenders'].map(text))
    // The banner at the head and the foot of the page, the letterhead beside MEMORANDUM.
    expect(us).toMatch(/^UNCLASSIFIED MEMORANDUM Center for Strategic and International Studies .* UNCLASSIFIED$/)
    expect(defenders).toMatch(/^TLP:CLEAR MEMORANDUM .* TLP:CLEAR$/)
    // The alliance memo's definition names neither.
    expect(alliance).toMatch(/^MEMORANDUM MEMORANDUM FOR:/)
    expect(alliance).not.toContain('Center for Strategic and International Studies MEMORANDUM')
    for (const memo of [us, alliance, defenders]) expect(memo).not.toContain('POINT OF CONTACT')
  })

  test.each(Object.keys(shipped))('%s: the DOCX embeds only the glyphs it uses, a fraction of whole faces', async (id) => {
    const bytes = await readFile(path.join(outDir, 'memos', `report.${id}.docx`))
    // Whole faces made it about 540 KB.
    expect(bytes.length).toBeLessThan(120_000)
    const parts = unzipSync(bytes)
    const document = strFromU8(parts['word/document.xml'])
    // The characters of its text, tabs aside.
    const used = new Set([...[...document.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((m) => m[1]).join('')].map((char) => char.codePointAt(0)!).filter((codePoint) => codePoint >= 0x20))
    const faces = embeddedFaces(bytes)
    expect(faces.map((face) => `${face.family} ${face.style}`).sort()).toEqual(['Source Sans 3 embedBold', 'Source Sans 3 embedRegular', 'Source Serif 4 embedBold', 'Source Serif 4 embedRegular'])
    for (const face of faces) {
      const font = fontkit.create(Buffer.from(face.bytes))
      expect(font.directory.tables.cmap, face.family).toBeDefined()
      const missing = [...used].filter((codePoint) => !font.hasGlyphForCodePoint(codePoint)).map((codePoint) => String.fromCodePoint(codePoint))
      expect(missing, `${face.family} ${face.style}`).toEqual([])
      expect(face.bytes.length).toBeLessThan(60_000)
    }
    expect(strFromU8(parts['word/fontTable.xml'])).toContain('w:subsetted="1"')
    expect(strFromU8(parts['word/settings.xml'])).toContain('<w:saveSubsetFonts/>')
  })

  test.skipIf(!needs('libreoffice', 'poppler'))('each DOCX lays out on one page in LibreOffice', () => {
    const names = Object.keys(shipped).map((id) => `report.${id}.docx`)
    const pages = libreOfficePages(path.join(outDir, 'memos'), names)
    expect(pages).toEqual(Object.fromEntries(names.map((name) => [name, 1])))
  })

  test('builds are byte-identical, memos kept from an earlier build or made afresh', async () => {
    const again = await tempDir('memo-build-again-')
    // Made afresh: the memos the first build wrote may be those an earlier one kept.
    await rm(path.join(root, 'node_modules', '.cache', 'dossier', 'memo'), { recursive: true, force: true })
    await build({ source: path.join(root, 'source', 'report.md'), outDir: again, formats: ['memo'] })
    for (const name of await readdir(path.join(outDir, 'memos'))) {
      if (!/\.(pdf|docx|html)$/.test(name)) continue
      const [first, second] = await Promise.all([readFile(path.join(outDir, 'memos', name)), readFile(path.join(again, 'memos', name))])
      expect(Buffer.compare(first, second), name).toBe(0)
    }
  })
})

describe('fitting and problems', () => {
  test('a definition selecting more than a page holds fails, saying by how much, what takes the room and what to cut; check says the same', async () => {
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
    expect(message?.reason).toMatch(/^Memo `all` overflows one page by \d+\.\d\din \(about \d+ lines\) even with leads only and 1 finding: the page has room for 9\.20in, and takes header \d\.\d\din, bottom line \d\.\d\din, findings heading \d\.\d\din, finding 1 \d\.\d\din, recommendations heading \d\.\d\din, recommendation 1 \(1\.a\) \d\.\d\din, .*recommendation 20 \(1\.t\) \d\.\d\din, closing \d\.\d\din; it selects 20 recommendations and a page holds \d+: cut at least \d+/)
    expect(reportProblems([result.file])).toContain(`${message?.file}:${line}:3  error  Memo \`all\` overflows`)
    const checked = await build({ source: path.join(fixtures, 'memo-overflow', 'input.md'), check: true })
    expect(checked.file.messages.filter((m) => m.ruleId === 'memo-overflow').map(String)).toEqual([String(message)])
  })

  test.skipIf(!needs('poppler'))('a short memo is neither padded nor stretched', async () => {
    const outDir = await tempDir('memo-out-')
    const result = await build({ source: path.join(fixtures, 'memo-sparse', 'input.md'), outDir, formats: ['memo'] })
    expect(reportProblems([result.file], { quiet: true })).toBe('')
    const pdf = path.join(outDir, 'memos', 'input.brief.pdf')
    const { text, pages } = await pdfText(await readFile(pdf))
    expect(pages).toBe(1)
    // The fullest form: the recommendation's reasoning, as many whole sentences as the layout allows.
    expect(text).toContain('1. Fund a resilience program. A small program would find weaknesses before an adversary does. It would cost little. (Recommendation 1.a)')
    // Body type at the layout's own size: the same word height as in the report's memos.
    const shippedOut = await tempDir('memo-build-')
    await build({ source: path.join(root, 'source', 'report.md'), outDir: shippedOut, formats: ['memo'], audience: 'us' })
    const sparse = wordHeights(pdf)
    expect(sparse.heights[0]).toBe(wordHeights(path.join(shippedOut, 'memos', 'report.us.pdf')).heights[0])
    // It ends in the top half of the page: nothing spread out to fill it.
    expect(sparse.lowest).toBeLessThan(sparse.pageHeight / 2)
  })

  test('reasoning goes to the first recommendations while there is room, alike in every format', async () => {
    const outDir = await tempDir('memo-out-')
    const result = await build({ source: path.join(fixtures, 'memo-partial', 'input.md'), outDir, formats: ['memo'] })
    expect(reportProblems([result.file], { quiet: true })).toBe('')
    const base = path.join(outDir, 'memos', 'input.partial')
    const html = await readFile(`${base}.html`, 'utf8')
    const rationales = memoItems(html).map((item) => item.rationale)
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
    expect(printed).toContain(`${placeOf('resilence')}  error  Unknown theme \`resilence\`, did you mean \`resilience\`?`)
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

describe('a report edited as editors edit it', () => {
  const fixture = path.join(fixtures, 'memo-edits')
  const summary = [
    'Ransomware crews have begun to target the control systems of small water utilities.',
    'Most of these utilities have no staff who work on security full time.',
    'A single intrusion last year left a town without safe water for four days.'
  ]

  /** A copy of the fixture with its source edited; the path of the copy's source. */
  async function edited(edit: (source: string) => string): Promise<string> {
    const dir = await tempDir('memo-edits-')
    await cp(fixture, dir, { recursive: true })
    const source = path.join(dir, 'input.md')
    const before = await readFile(source, 'utf8')
    const after = edit(before)
    expect(after).not.toBe(before)
    await writeFile(source, after)
    return source
  }

  /** What `check` says about the memos, as it prints it, and what a build writes and says. */
  async function checkAndBuild(source: string) {
    const memoLines = (text: string) => text.split('\n').filter((line) => line.includes('memo-') || line.startsWith('  '))
    const checked = await build({ source, check: true })
    const outDir = await tempDir('memo-out-')
    const built = await build({ source, outDir, formats: ['memo'] })
    const html = built.written.length > 0 ? await readFile(path.join(outDir, 'memos', 'input.brief.html'), 'utf8') : ''
    return { checked: memoLines(reportProblems([checked.file])), built: memoLines(reportProblems([built.file])), written: built.written.length, html }
  }

  test('as written: every convention of the definition on the page, the quoted sentence after the ask', async () => {
    const { checked, written, html } = await checkAndBuild(path.join(fixture, 'input.md'))
    expect(checked).toEqual([])
    expect(written).toBe(3)
    expect(bottomLine(html)).toBe(`We recommend that state water regulators (1) require a tested manual fallback for every treatment plant and (2) fund a shared security service for small utilities. ${summary[2]}`)
    expect(memoItems(html).map((item) => item.id)).toEqual(['manual-fallback', 'shared-service', 'publish-indicators'])
    expect(html).toContain('<p class="banner top">UNCLASSIFIED</p>')
    expect(html).toContain('<p class="banner bottom">UNCLASSIFIED</p>')
    expect(html).toContain('<p class="letterhead">Dossier Test Office</p>')
    expect(html).toContain('<p class="contact"><b>POINT OF CONTACT:</b> A. Tester, Dossier Test Office, +1 555 0100</p>')
    expect(html).toContain('<dd>July 1, 2020</dd>')
  })

  test('a sentence inserted before the quoted one: check is clean and the memo quotes the same sentence', async () => {
    const source = await edited((text) => text.replace(`${summary[0]}\n`, `Water is the utility a town can least do without.\n${summary[0]}\n`))
    const { checked, written, html } = await checkAndBuild(source)
    expect(checked).toEqual([])
    expect(written).toBe(3)
    expect(bottomLine(html)).toMatch(new RegExp(`\\. ${summary[2].replace(/\./g, '\\.')}$`))
  })

  test('the quoted sentence reworded: check and build name the memo, the definition’s line, what is gone and the closest sentence', async () => {
    const source = await edited((text) => text.replace(summary[2], 'One intrusion last year left a town without safe water for four days.'))
    const definition = path.join(path.dirname(source), 'memos', 'brief.yaml')
    const lines = (await readFile(definition, 'utf8')).split('\n')
    const line = lines.findIndex((text) => text.includes('- A single intrusion')) + 1
    const sourceLine = (await readFile(source, 'utf8')).split('\n').findIndex((text) => text.startsWith('One intrusion')) + 1
    const { checked, built, written } = await checkAndBuild(source)
    expect(checked).toEqual([
      `${definition}:${line}:7  error  Memo \`brief\` quotes a sentence the report no longer has: “A single intrusion last year left a town”; the closest is “One intrusion last year left a…” (quote its opening, or another sentence)  memo-quote-missing`,
      `  ${source}:${sourceLine}:1  note  The closest sentence: “One intrusion last year left a town without safe water for four days.”`
    ])
    expect(built).toEqual(checked)
    expect(written).toBe(0)
  })

  test('the quoted sentence deleted: the same message, with a sentence still there as the closest', async () => {
    const source = await edited((text) => text.replace(`${summary[2]}\n`, ''))
    const { checked, built } = await checkAndBuild(source)
    expect(checked[0]).toMatch(/memos\/brief\.yaml:\d+:7 {2}error {2}Memo `brief` quotes a sentence the report no longer has: “A single intrusion last year left a town”; the closest is “[^”]+” \(quote its opening, or another sentence\) {2}memo-quote-missing$/)
    expect(checked[1]).toMatch(/input\.md:\d+:\d+ {2}note {2}The closest sentence: “/)
    expect(built).toEqual(checked)
  })

  test('six recommendations added: check finds the overflow as build does, naming every part with its height', async () => {
    const added = Array.from({ length: 6 }, (_, index) => {
      const n = index + 4
      return `   ${n}. :recommendation[Establish a standing program, with its own budget line, to assess and harden the control networks of utility group ${n} against disruptive intrusions, and report on it every year.]{#added-${n} audience="us" themes="resilience"}\n      The control networks of utility group ${n} were built for availability rather than security, and an intrusion that disrupted them for even a few days would cost far more than the systems themselves.\n`
    })
    const source = await edited((text) => `${text}\n${added.join('\n')}`)
    const { checked, built, written } = await checkAndBuild(source)
    expect(written).toBe(0)
    expect(checked).toHaveLength(1)
    expect(checked[0]).toMatch(
      /memos\/brief\.yaml:\d+:3 {2}error {2}Memo `brief` overflows one page by \d\.\d\din \(about \d+ lines\) even with leads only and 1 finding: the page has room for 9\.20in, and takes header \d\.\d\din, bottom line \d\.\d\din, findings heading \d\.\d\din, finding 1 \d\.\d\din, recommendations heading \d\.\d\din, recommendation 1 \(1\.b\) \d\.\d\din, recommendation 2 \(1\.a\) \d\.\d\din, (recommendation \d+ \(1\.[c-i]\) \d\.\d\din, ){7}point of contact \d\.\d\din, closing \d\.\d\din; it selects 9 recommendations and a page holds \d: cut at least \d/
    )
    expect(built).toEqual(checked)
  })

  test('sentences counted by number still work, with a warning that shows the quotes to write', async () => {
    const dir = await tempDir('memo-edits-')
    await cp(fixture, dir, { recursive: true })
    const definition = path.join(dir, 'memos', 'brief.yaml')
    await writeFile(definition, (await readFile(definition, 'utf8')).replace(/ {2}quote:\n {4}- .*\n/, '  sentences: [3]\n'))
    const source = path.join(dir, 'input.md')
    const checked = await build({ source, check: true })
    expect(checked.file.messages.filter((message) => message.fatal).map(String)).toEqual([])
    const warning = checked.file.messages.find((message) => message.ruleId === 'memo-template-deprecated')
    expect(warning?.fatal).toBe(false)
    expect(warning?.reason).toBe('Deprecated `bottom_line.sentences`: numbers name other sentences once the report is edited, expected `bottom_line.quote` with each sentence’s opening words, here `quote: ["A single intrusion last year left"]`')
  })

  test('`framing` still opens the bottom line, in place of the ask, with a warning naming the key to write', async () => {
    const dir = await tempDir('memo-edits-')
    await cp(fixture, dir, { recursive: true })
    const definition = path.join(dir, 'memos', 'brief.yaml')
    await writeFile(definition, `${await readFile(definition, 'utf8')}framing: The regulators asked for this memo.\n`)
    const { checked, html } = await checkAndBuild(path.join(dir, 'input.md'))
    expect(checked).toEqual([expect.stringMatching(/brief\.yaml:\d+:10 {2}warning {2}Deprecated `framing`, expected `bottom_line\.text`/)])
    expect(bottomLine(html)).toBe(`The regulators asked for this memo. ${summary[2]}`)
  })
})

describe('memos kept between builds', () => {
  // Where a build keeps each memo's files, by everything they are made from.
  const kept = path.join(root, 'node_modules', '.cache', 'dossier', 'memo')
  const entries = async () => new Set(await readdir(kept).catch(() => [] as string[]))
  const memoFiles = async (outDir: string) => {
    const names = (await readdir(path.join(outDir, 'memos'))).filter((name) => /\.(pdf|docx|html)$/.test(name)).sort()
    return Object.fromEntries(await Promise.all(names.map(async (name) => [name, await readFile(path.join(outDir, 'memos', name))])))
  }
  const buildMemos = async (source: string, templatesDir?: string) => {
    const outDir = await tempDir('memo-kept-out-')
    const result = await build({ source, outDir, formats: ['memo'], templatesDir })
    expect(reportProblems([result.file], { quiet: true })).toBe('')
    return memoFiles(outDir)
  }
  /**
   * The report and its definitions in a folder of their own, with `edit`
   * applied to the report, named so that its memos (`memos/kept-check.*`,
   * kept under keys of that name) are this suite's alone: other suites
   * build report.md's memos at the same time.
   */
  const report = async (edit: (text: string) => string = (text) => text) => {
    const dir = await tempDir('memo-kept-')
    await cp(path.join(root, 'source'), dir, { recursive: true })
    const source = path.join(dir, 'kept-check.md')
    await writeFile(source, edit(await readFile(path.join(dir, 'report.md'), 'utf8')))
    await rm(path.join(dir, 'report.md'))
    return source
  }
  const outsideEveryMemo = (text: string) => text.replace('This report aims to fill this void,', 'This report aims to fill this void at last,')

  test('an edit no memo quotes or selects (it moves every item below it) leaves every memo as it was: read back, not made again; made afresh, the same bytes', async () => {
    await rm(kept, { recursive: true, force: true })
    const first = await buildMemos(await report())
    // Each of its kept memos' HTML marked, so that a build that reads it back shows it.
    const ours = [...(await entries())].filter((name) => keptMemo(name)?.some((file) => file.path.startsWith('memos/kept-check.')))
    expect(ours).toHaveLength(3)
    for (const name of ours) keepMemo(name, keptMemo(name)!.map((file) => (file.path.endsWith('.html') ? { ...file, data: `${file.data}<!-- kept -->` } : file)))
    const edited = await report(outsideEveryMemo)
    const reused = await buildMemos(edited)
    expect(Object.keys(reused)).toEqual(Object.keys(first))
    for (const name of Object.keys(first)) {
      if (name.endsWith('.html')) expect(reused[name].toString('utf8')).toBe(`${first[name].toString('utf8')}<!-- kept -->`)
      else expect(Buffer.compare(reused[name], first[name]), name).toBe(0)
    }
    await rm(kept, { recursive: true, force: true })
    const afresh = await buildMemos(edited)
    for (const name of Object.keys(first)) expect(Buffer.compare(afresh[name], first[name]), name).toBe(0)
  })

  test('an edit to a selected recommendation, a quoted sentence, or the memo stylesheet makes the memos that show it anew', async () => {
    const first = await buildMemos(await report())
    // `information-sharing` is in the alliance's and the defenders' memos, not the U.S. one.
    const lead = 'arrangements beyond intelligence and government agencies.]{#information-sharing'
    const recommendation = await buildMemos(await report((text) => text.replace(lead, lead.replace('agencies.', 'agencies, now.'))))
    const text = (files: Record<string, Buffer>, name: string) => files[name].toString('utf8')
    expect(text(recommendation, 'kept-check.alliance.html')).toContain('government agencies, now.')
    expect(text(recommendation, 'kept-check.defenders.html')).toContain('government agencies, now.')
    expect(Buffer.compare(recommendation['kept-check.us.pdf'], first['kept-check.us.pdf'])).toBe(0)
    // The sentence the U.S. and defenders' memos quote.
    const quoted = await buildMemos(await report((text) => text.replace('These attacks have shown that the country is capable of conducting damaging', 'These attacks have shown that the country is capable of conducting very damaging')))
    expect(text(quoted, 'kept-check.us.html')).toContain('capable of conducting very damaging')
    expect(text(quoted, 'kept-check.defenders.html')).toContain('capable of conducting very damaging')
    expect(Buffer.compare(quoted['kept-check.alliance.pdf'], first['kept-check.alliance.pdf'])).toBe(0)
    // A templates folder with the memo's stylesheet changed: the HTML memos carry it.
    const templates = await tempDir('memo-kept-templates-')
    await mkdir(path.join(templates, 'memo'), { recursive: true })
    await writeFile(path.join(templates, 'memo', 'memo.css'), `${await readFile(path.join(root, 'templates', 'memo', 'memo.css'), 'utf8')}\n.stylesheet-check { color: teal; }\n`)
    const styled = await buildMemos(await report(), templates)
    for (const id of Object.keys(shipped)) expect(text(styled, `kept-check.${id}.html`)).toContain('.stylesheet-check')
  })
})
