import { spawnSync } from 'node:child_process'
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import type { Root } from 'mdast'
import { toString } from 'mdast-util-to-string'
import { PDFParse } from 'pdf-parse'
import { visit } from 'unist-util-visit'
import { VFile } from 'vfile'
import { afterEach, describe, expect, it } from 'vitest'
import { build, type BuildOptions } from '../src/build.js'
import { glyphCoverage, resolveFonts } from '../src/fonts.js'
import { parseReport } from '../src/pipeline.js'
import type { OutlineEntry } from '../src/types.js'
import { cli, fixture, needs, normalize, reportSource, root, tempDir } from './helpers.js'

interface Printed {
  bytes: Buffer
  pages: string[]
  outline: Array<{ title: string; items: Printed['outline'] }>
  messages: string[]
  info: Record<string, unknown>
}

/** Build one source's PDF into a temporary folder and read it back. */
async function print(source: string, options: BuildOptions = {}): Promise<Printed> {
  const out = tempDir('dossier-pdf-')
  const result = await build({ source, outDir: out, formats: ['pdf'], ...options })
  expect(result.written).toHaveLength(1)
  const bytes = readFileSync(path.join(out, `${path.basename(source, '.md')}.pdf`))
  const parser = new PDFParse({ data: new Uint8Array(bytes) })
  try {
    const text = await parser.getText()
    const info = await parser.getInfo()
    return {
      bytes,
      pages: text.pages.map((page) => page.text),
      outline: (info.outline ?? []) as Printed['outline'],
      messages: result.file.messages.map(String),
      info: info.info as Record<string, unknown>
    }
  } finally {
    await parser.destroy()
  }
}

/**
 * Build `sources` one after another in a new process (its first document is
 * the one that matters to what a process keeps); the report's PDF and the
 * memos' PDFs it wrote.
 */
function buildInChild(sources: string[], formats: string[]): { report: Buffer; memos: Buffer[] } {
  const out = tempDir()
  const script = `import(${JSON.stringify(new URL('../dist/build.js', import.meta.url).href)}).then(async (m) => { for (const source of ${JSON.stringify(sources)}) await m.build({ source, outDir: ${JSON.stringify(out)}, formats: ${JSON.stringify(formats)} }) })`
  const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' })
  expect(child.status, child.stderr).toBe(0)
  const memos = formats.includes('memo') ? readdirSync(path.join(out, 'memos')).filter((name) => name.endsWith('.pdf')).sort() : []
  return { report: readFileSync(path.join(out, 'report.pdf')), memos: memos.map((name) => readFileSync(path.join(out, 'memos', name))) }
}

async function parsed(source: string): Promise<{ tree: Root; outline: OutlineEntry[]; shortTitle: string }> {
  const file = new VFile({ path: source, value: readFileSync(source, 'utf8') })
  const tree = await parseReport(file)
  return { tree, outline: file.data.outline ?? [], shortTitle: file.data.meta!.shortTitle }
}

/**
 * Page text as a reader reads it: running head (short title and chapter)
 * and folio removed, list markers (which pdf.js reads after their line)
 * dropped, a word split by a line break after its hyphen joined again.
 */
function bodyText(pages: string[], shortTitle: string): string {
  const foot = new RegExp(`\\n${shortTitle.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[^\\n]*\\n\\d+\\s*$`)
  const text = pages.map((page) => page.replace(foot, '')).join('\n')
  return normalize(text.replace(/\t(\d+|[a-z])\./g, '').replace(/(\S)-\s+(\p{L})/gu, '$1-$2'))
}

describe('the print edition', async () => {
  const report = await print(reportSource)
  const { tree, outline, shortTitle } = await parsed(reportSource)
  const text = bodyText(report.pages, shortTitle)

  it('has every paragraph of the source, in order', () => {
    let from = 0
    const missing: string[] = []
    visit(tree, 'paragraph', (node) => {
      const paragraph = normalize(toString(node))
      const at = text.indexOf(paragraph, from)
      if (at < 0) missing.push(paragraph.slice(0, 80))
      else from = at + paragraph.length
    })
    expect(missing.map((paragraph) => [paragraph, text.slice(from, from + 200)])).toEqual([])
  })

  it('has a cover, an imprint, contents with page numbers, and a running head naming the chapter on the other pages', () => {
    expect(normalize(report.pages[0])).toContain(normalize('North Korea’s Cyber Operations'))
    expect(report.pages[0]).toContain('Jenny Jun')
    expect(report.pages[0]).toContain('Victor D. Cha')
    expect(report.pages[0]).toContain('December 2015')
    expect(report.pages[0]).not.toMatch(/\n1\s*$/)
    // The imprint: what the front matter gives (organization, address), nothing else.
    expect(report.pages[1]).toContain('Center for Strategic and International Studies, Office of the Korea Chair')
    expect(report.pages[1]).toContain('https://www.csis.org/analysis/north-koreas-cyber-operations')
    expect(report.pages[1]).not.toMatch(/©|copyright/i)
    expect(report.pages[2]).toMatch(/Executive Summary[ .]+4/)
    for (const [index, page] of report.pages.entries()) {
      if (index > 1) expect(page).toMatch(new RegExp(`${index + 1}\\s*$`))
    }
    const chapterPage = report.pages.findIndex((page) => page.startsWith('This section builds') || /\nThis section builds/.test(page))
    expect(report.pages[chapterPage + 1]).toMatch(/North Korea’s Cyber Operations\s+The Strategic Context of DPRK’s Cyber Operations\n\d+\s*$/)
  })

  it('has bookmarks for the headings, nested as they are', () => {
    const nest = (entries: OutlineEntry[], depth = 1): unknown[] =>
      entries.flatMap((entry, index) => {
        if (entry.depth !== depth) return []
        const end = entries.findIndex((other, at) => at > index && other.depth <= depth)
        return [{ title: entry.text, items: nest(entries.slice(index + 1, end < 0 ? undefined : end), depth + 1) }]
      })
    const read = (nodes: Printed['outline']): unknown[] => nodes.map((node) => ({ title: node.title, items: read(node.items) }))
    expect(read(report.outline)).toEqual(nest(outline))
  })

  it('carries the document properties', () => {
    expect(report.info.Title).toBe('North Korea’s Cyber Operations: Strategy and Responses')
    expect(report.info.Author).toBe('Jenny Jun, Scott LaFoy, Ethan Sohn')
    expect(report.info.Keywords).toContain('DPRK')
    expect(report.bytes.toString('latin1')).toMatch(/\/Lang \(en\)/)
  })

  it('embeds no CJK face, as the report has no CJK text', () => {
    expect(report.bytes.toString('latin1')).toMatch(/\/BaseFont \/[A-Z]{6}\+SourceSerif4-Regular/)
    expect(report.bytes.toString('latin1')).not.toMatch(/NotoSans(JP|SC|TC|KR)/)
  })

  it('is byte-identical when built twice', async () => {
    const again = await print(reportSource)
    expect(again.bytes.equals(report.bytes)).toBe(true)
  })

  // Faces are parsed once per process and shared by every document; each
  // document keeps its own glyphs, so what one set cannot change another's
  // bytes or the text read back from it (its ToUnicode map). A face draws
  // U+02BC (ʼ) and U+2019 (’) with one glyph, and a glyph remembers the
  // character it was first set for: shared, the report's apostrophes would
  // read back as the other document's.
  it('is the same built alone as after another document in one process', () => {
    const other = path.join(tempDir(), 'other.md')
    writeFileSync(other, '# Other\n\nKimʼs 5 µm cable‐run.\n')
    expect(buildInChild([other, reportSource], ['pdf']).report.equals(report.bytes)).toBe(true)
  })

  // How each text was shaped, and how wide it is, is kept between builds
  // (`node_modules/.cache/dossier/shapes/`, `widths/`): a build that reads
  // them must make what shaping afresh makes, the memos' trial layouts too,
  // whatever document was shaped before (a glyph remembers the characters
  // it was first reached from, and a ligature's are read from its parts').
  it('is byte-identical with the shapes a build before it kept on disk, and without them', () => {
    const cache = path.join(root, 'node_modules', '.cache', 'dossier')
    const other = path.join(tempDir(), 'other.md')
    writeFileSync(other, '# Other\n\nKimʼs 5 µm cable‐run: ĳ ǐ ï ﬁ ﬂ ﬀ ﬃ ﬄ ſt ﬅ ﬆ. The Office of the Pacific, North Korea’s effects.\n')
    // Memos kept whole (`memo/`) would be read back, not laid out: each build makes them.
    for (const kind of ['shapes', 'widths', 'memo']) rmSync(path.join(cache, kind), { recursive: true, force: true })
    const fresh = buildInChild([other, reportSource], ['pdf', 'memo'])
    expect(fresh.memos.length).toBeGreaterThan(0)
    expect(fresh.report.equals(report.bytes)).toBe(true)
    // The first build kept what it shaped and measured; the next one reads it instead.
    for (const kind of ['shapes', 'widths']) expect(readdirSync(path.join(cache, kind)).length).toBeGreaterThan(0)
    rmSync(path.join(cache, 'memo'), { recursive: true, force: true })
    const kept = buildInChild([reportSource], ['pdf', 'memo'])
    expect(kept.report.equals(report.bytes)).toBe(true)
    expect(kept.memos.map((memo, index) => memo.equals(fresh.memos[index]))).toEqual(fresh.memos.map(() => true))
  })
})

describe('print details', () => {
  afterEach(() => undefined)

  it('sets Hangul in a face that has it, breaking between words', async () => {
    const printed = await print(fixture('pdf-hangul', 'report.md'))
    expect(printed.messages).toEqual([])
    const body = printed.pages.join('\n')
    expect(body).toContain('국가정보원')
    expect(body).toContain('정찰총국')
    // Every line ends at a word's end: joined with spaces, the sentence comes back whole.
    expect(normalize(body)).toContain('이 문장은 한 줄보다 길어서 줄바꿈이 단어 사이에서만 일어나는지 확인하는 데 쓰인다.')
    expect(printed.bytes.toString('latin1')).toMatch(/NotoSansKR/)
  })

  it('does not embed the Hangul face when no Hangul is set', async () => {
    const printed = await print(fixture('pdf-features', 'report.md'))
    expect(printed.bytes.toString('latin1')).not.toMatch(/NotoSansKR/)
  })

  it('sets code in the monospace face, embedded only when there is code', async () => {
    const withCode = await print(fixture('pdf-features', 'report.md'))
    expect(withCode.bytes.toString('latin1')).toMatch(/\/BaseFont \/[A-Z]{6}\+SourceCodePro-Regular/)
    const without = await print(fixture('pdf-footnotes', 'report.md'))
    expect(without.bytes.toString('latin1')).not.toMatch(/SourceCodePro/)
  })

  it('sets each footnote at the foot of the page that cites it', async () => {
    const printed = await print(fixture('pdf-footnotes', 'report.md'))
    const pageOf = (pattern: RegExp) => printed.pages.findIndex((page) => pattern.test(page))
    let notes = 0
    for (let number = 1; pageOf(new RegExp(`^${number} +Note`, 'm')) >= 0; number++) {
      notes++
      const notePage = pageOf(new RegExp(`^${number} +Note`, 'm'))
      expect(pageOf(new RegExp(`cyberspace${number}\\.`)), `note ${number}`).toBe(notePage)
    }
    expect(notes).toBe(6)
    // The notes sit below the text: nothing of the text overlaps them.
    for (const page of printed.pages) expect(page).not.toMatch(/Note \d+ cites[^\n]*layout/)
  })

  it('sets tables, images, code, quotes, lettered sub-lists and item anchors', async () => {
    const printed = await print(fixture('pdf-features', 'report.md'))
    const body = printed.pages.join('\n')
    expect(body).toContain('Sony Pictures')
    expect(body).toContain('A chart of incidents')
    expect(body).toContain('npx tsc -p .')
    expect(body).toMatch(/\ta\.|\na\./)
    const raw = printed.bytes.toString('latin1')
    expect(raw).toContain('(first-finding)')
    expect(raw).toMatch(/\/Subtype \/Image/)
    expect(raw).toContain('/URI (https://www.csis.org/)')
    expect(printed.messages.filter((message) => message.includes('remote.png'))).toEqual([expect.stringMatching(/remote image `https:\/\/example.com\/remote.png`.*nothing is fetched.*alt text stands in/)])
    expect(printed.messages.join('\n')).toMatch(/report\.md:\d+:\d+-\d+:\d+: Unexpected character U\+0F00 \(“ༀ”\) that no print font covers/)
    expect(printed.outline.map((entry) => [entry.title, entry.items.map((item) => item.title)])).toEqual([['Tables and figures', ['Code and quotes']]])
  })

  it('warns of a character no font has, in the title, a heading and code, each against its own face', async () => {
    // Cuneiform and Ethiopic: no face dossier ships has them.
    const missing = ['𒀀', 'ሀ', 'ሂ', 'ሁ']
    const table = JSON.parse(readFileSync(path.join(root, 'templates', 'fonts.json'), 'utf8')) as Record<string, unknown>
    const faces = resolveFonts([path.join(root, 'templates')], Object.keys(table).filter((family) => !family.startsWith('$')))
    for (const file of Object.values(faces).flatMap((family) => Object.values(family))) {
      expect(glyphCoverage(file, missing.map((char) => char.codePointAt(0)!)).size, file).toBe(0)
    }
    const printed = await print(fixture('pdf-missing-glyph', 'report.md'))
    const warnings = printed.messages.filter((message) => message.includes('no print font covers'))
    expect(warnings).toEqual([
      expect.stringMatching(/report\.md:2:16-2:18: Unexpected character U\+12000 \(“𒀀”\) .* expected one of Source Sans 3, Noto Sans KR/),
      expect.stringMatching(/report\.md:6:3-6:15: Unexpected character U\+1200 \(“ሀ”\) .* expected one of Source Sans 3, Noto Sans KR/),
      expect.stringMatching(/report\.md:8:46-8:49: Unexpected character U\+1202 \(“ሂ”\) .* expected one of Source Code Pro, Noto Sans KR/),
      expect.stringMatching(/report\.md:10:1-12:4: Unexpected character U\+1201 \(“ሁ”\) .* expected one of Source Code Pro, Noto Sans KR/)
    ])
  })

  it('warns of a footnote that cannot fit at the foot of its page, at the note', async () => {
    const printed = await print(fixture('pdf-footnote-fit', 'report.md'))
    expect(printed.messages).toEqual([expect.stringMatching(/report\.md:10:1-10:\d+: Unexpected footnote `\[\^long\]` that may not fit at the foot of the page that cites it/)])
    expect(printed.pages.join('\n')).toContain('longer than any page could hold')
  })

  it('prints on A4 when asked', async () => {
    const printed = await print(fixture('pdf-features', 'report.md'), { paper: 'a4' })
    expect(printed.bytes.toString('latin1')).toMatch(/\/MediaBox \[0 0 595.28 841.89\]/)
  })
})

/** A tool's output (poppler's, qpdf's), failing the test when it fails. */
function tool(name: string, ...args: string[]): string {
  const result = spawnSync(name, args, { encoding: 'latin1', maxBuffer: 1 << 26 })
  expect(result.status, result.stderr).toBe(0)
  return result.stdout
}

/** The report's PDF and its memos' PDFs in a build's output folder, by path there. */
function printedFiles(out: string): string[] {
  return ['report.pdf', ...readdirSync(path.join(out, 'memos')).filter((name) => name.endsWith('.pdf')).map((name) => `memos/${name}`)]
}

/** The whole file uncompressed (qpdf's QDF), so its pages' operators read as text. */
function contentOperators(file: string): string {
  return tool('qpdf', '--qdf', '--object-streams=disable', file, '-')
}

/** Each page drawn at 50 dpi: its pixels, in colour (PPM). */
function drawnPages(file: string): Buffer[] {
  const dir = tempDir()
  tool('pdftoppm', '-r', '50', file, path.join(dir, 'page'))
  return readdirSync(dir).sort().map((name) => readFileSync(path.join(dir, name)))
}

// pdfmake sets each word's colour and opacity again before drawing it; a
// page keeps what it is set in, so dossier sets each only when it changes
// (`graphics-state.ts`). The pages must look as they did.
describe.skipIf(!needs('poppler', 'qpdf'))('colour and opacity set once', () => {
  const builds = { once: tempDir('dossier-state-'), every: tempDir('dossier-every-state-') }

  it('draws every page of the report and its memos as setting them before every word does', () => {
    for (const [kind, out] of Object.entries(builds)) {
      const run = cli(['build', reportSource, '--out', out, '--format', 'pdf,memo'], { env: { ...process.env, DOSSIER_PDF_EVERY_STATE: kind === 'every' ? '1' : '' } })
      expect(run.status, run.stderr).toBe(0)
    }
    const names = printedFiles(builds.once)
    expect(names.length).toBeGreaterThan(1)
    for (const name of names) {
      const [once, every] = [builds.once, builds.every].map((out) => path.join(out, name))
      // Fewer colours set: a page's text is mostly one colour.
      const count = (text: string) => text.match(/ scn$/gm)?.length ?? 0
      expect(count(contentOperators(once)) * 3, name).toBeLessThan(count(contentOperators(every)))
      const [pagesOnce, pagesEvery] = [drawnPages(once), drawnPages(every)]
      expect(pagesOnce.length, name).toBe(pagesEvery.length)
      pagesOnce.forEach((page, index) => expect(page.equals(pagesEvery[index]), `${name}, page ${index + 1}`).toBe(true))
    }
  })
})

// pdfmake draws every word as a text object of its own; dossier draws a
// line's like words as one (`line-drawing.ts`). Every glyph, link,
// destination and tag must be where it was.
describe.skipIf(!needs('poppler', 'qpdf'))("a line's like words drawn as one text object", () => {
  const builds = { line: tempDir('dossier-line-'), word: tempDir('dossier-every-word-') }
  /** Every link's page, box and target, and every named destination, as pdf.js reads them. */
  const links = async (file: string) => {
    const { getDocument } = await import('pdfjs-dist/legacy/build/pdf.mjs')
    const document = await getDocument({ data: new Uint8Array(readFileSync(file)), verbosity: 0 }).promise
    const found: unknown[] = []
    for (let number = 1; number <= document.numPages; number++) {
      for (const link of await (await document.getPage(number)).getAnnotations()) found.push([number, link.subtype, link.rect.map((side: number) => side.toFixed(3)), link.url, link.dest, link.structParent])
    }
    found.push(Object.entries(await document.getDestinations()).sort())
    await document.destroy()
    return found
  }
  /** Each word pdftotext finds, with its box (left, top, right, bottom). */
  const boxes = (file: string) =>
    [...tool('pdftotext', '-bbox', file, '-').matchAll(/<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</g)].map(([, ...found]) => ({ text: found[4], sides: found.slice(0, 4).map(Number) }))

  // Justified too: there pdfmake spreads the words, and the room between them goes into the line's `TJ`.
  const justified = tempDir('dossier-justified-')
  mkdirSync(path.join(justified, 'pdf'))
  writeFileSync(path.join(justified, 'pdf', 'template.json'), JSON.stringify({ styles: { paragraph: { alignment: 'justify' }, listItem: { alignment: 'justify' } } }))

  it('puts every word, link, destination and tag of the report and its memos where word by word put them, in fewer text objects', async () => {
    for (const [kind, out] of Object.entries(builds)) {
      const env = { ...process.env, DOSSIER_PDF_EVERY_WORD: kind === 'word' ? '1' : '' }
      const made = cli(['build', reportSource, '--out', out, '--format', 'pdf,memo'], { env })
      expect(made.status, made.stderr).toBe(0)
      const spread = cli(['build', reportSource, '--out', path.join(out, 'justified'), '--format', 'pdf', '--templates', justified], { env })
      expect(spread.status, spread.stderr).toBe(0)
    }
    const names = [...printedFiles(builds.line), 'justified/report.pdf']
    expect(names.length).toBeGreaterThan(2)
    // The justified edition's words stand elsewhere than the left-aligned one's.
    expect(boxes(path.join(builds.line, 'justified', 'report.pdf'))).not.toEqual(boxes(path.join(builds.line, 'report.pdf')))
    for (const name of names) {
      const [line, word] = [builds.line, builds.word].map((out) => path.join(out, name))
      // Each word, and its box to a hundred-thousandth of a point (the `TJ` sums what `Tm` rounded).
      const [boxesLine, boxesWord] = [line, word].map(boxes)
      expect(boxesLine.map(({ text }) => text), name).toEqual(boxesWord.map(({ text }) => text))
      boxesLine.forEach(({ text, sides }, index) => sides.forEach((side, at) => expect(Math.abs(side - boxesWord[index].sides[at]), `${name}: ${text}`).toBeLessThan(1e-5)))
      expect(await links(line), name).toEqual(await links(word))
      expect(tool('pdfinfo', '-struct-text', line), name).toBe(tool('pdfinfo', '-struct-text', word))
      const textObjects = (file: string) => contentOperators(file).match(/^BT$/gm)?.length ?? 0
      expect(textObjects(line) * 3, name).toBeLessThan(textObjects(word))
      // The same pixels but where a glyph's place, the same to a millionth of a point, rounds to the next sub-pixel.
      const [pagesLine, pagesWord] = [drawnPages(line), drawnPages(word)]
      expect(pagesLine.length, name).toBe(pagesWord.length)
      pagesLine.forEach((page, index) => {
        let differing = 0
        for (let at = 0; at < page.length; at++) if (page[at] !== pagesWord[index][at]) differing++
        expect(differing / page.length, `${name}, page ${index + 1}`).toBeLessThan(0.001)
      })
    }
  })
})
