import { spawnSync } from 'node:child_process'
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { strFromU8, unzipSync } from 'fflate'
import type { Nodes } from 'mdast'
import { toString } from 'mdast-util-to-string'
import { visit, SKIP } from 'unist-util-visit'
import { VFile } from 'vfile'
import { beforeAll, describe, expect, it } from 'vitest'
import { build } from '../src/build.js'
import { parseReport } from '../src/pipeline.js'
import { bookmarkName } from '../src/render/docx/bookmark.js'
import { resolveFonts } from '../src/fonts.js'
import { templateLayers } from '../src/templates.js'
import { embeddedFaces, fixture, needs, normalize, reportSource, seedSentences, tempDir } from './helpers.js'

const fontkit = createRequire(import.meta.url)('fontkit') as typeof import('fontkit')

/** A .docx's XML parts by path. */
type Parts = Record<string, string>

async function buildDocx(source: string, outDir = tempDir('dossier-docx-')): Promise<{ path: string; bytes: Uint8Array; parts: Parts; file: VFile }> {
  const result = await build({ source, outDir, formats: ['docx'] })
  const fatal = result.file.messages.filter((message) => message.fatal)
  expect(fatal.map(String)).toEqual([])
  const target = path.join(outDir, `${path.basename(source, '.md')}.docx`)
  expect(result.written).toEqual([target])
  const bytes = new Uint8Array(readFileSync(target))
  const parts: Parts = {}
  for (const [name, data] of Object.entries(unzipSync(bytes))) if (/\.(xml|rels)$/.test(name)) parts[name] = strFromU8(data)
  return { path: target, bytes, parts, file: result.file }
}

/** Where the built CLI keeps the lines of the paragraphs docx's page estimate laid out (`src/render/docx/index.ts`). */
const keptLines = path.join(import.meta.dirname, '..', 'node_modules', '.cache', 'dossier', 'docx-lines')

/** The longest paragraph of a Markdown text (a block that starts with a capital letter). */
function longestParagraph(text: string): string {
  return text.split('\n\n').filter((block) => /^[A-Z]/.test(block)).sort((a, b) => b.length - a.length)[0]
}

/** The Word edition of `source` as built by the compiled build in a fresh process (its caches on disk, its own counters). */
function docxInChild(source: string, env: NodeJS.ProcessEnv = {}): Buffer {
  const outDir = tempDir('dossier-docx-')
  const script = `import(${JSON.stringify(new URL('../dist/build.js', import.meta.url).href)}).then((m) => m.build({ source: ${JSON.stringify(source)}, outDir: ${JSON.stringify(outDir)}, formats: ['docx'] }))`
  const child = spawnSync(process.execPath, ['-e', script], { env: { ...process.env, ...env }, encoding: 'utf8' })
  expect(child.status, child.stderr).toBe(0)
  return readFileSync(path.join(outDir, `${path.basename(source, '.md')}.docx`))
}

function decode(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&')
}

/** Each `w:p` of a part: its XML and its text. */
function paragraphs(xml: string): Array<{ xml: string; text: string }> {
  return [...xml.matchAll(/<w:p[ >][\s\S]*?<\/w:p>/g)].map(([p]) => ({
    xml: p,
    text: decode([...p.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>|<w:tab\/>/g)].map((m) => m[1] ?? '\t').join(''))
  }))
}

/** The source's paragraphs and headings in order, as text, footnotes left out. */
async function sourceParagraphs(source: string): Promise<string[]> {
  const file = new VFile({ path: source, value: readFileSync(source, 'utf8') })
  const tree = await parseReport(file)
  const texts: string[] = []
  visit(tree, (node: Nodes) => {
    if (node.type === 'footnoteDefinition') return SKIP
    // A paragraph that is only an image is a picture; its alt text is checked apart.
    if (node.type === 'paragraph' && node.children.length === 1 && node.children[0].type === 'image') return SKIP
    if (node.type === 'paragraph' || node.type === 'heading') {
      texts.push(normalize(toString(node)))
      return SKIP
    }
  })
  return texts.filter(Boolean)
}

/** Index in `haystack` of each needle, searched after the previous one; -1 when missing. */
function inOrder(needles: string[], haystack: string[], equal: (a: string, b: string) => boolean): Array<{ needle: string; at: number }> {
  let from = 0
  return needles.map((needle) => {
    const at = haystack.findIndex((text, index) => index >= from && equal(text, needle))
    if (at >= 0) from = at + 1
    return { needle, at }
  })
}

describe('docx: the report', () => {
  let docx: Awaited<ReturnType<typeof buildDocx>>
  beforeAll(async () => {
    docx = await buildDocx(reportSource)
  })

  it('defines the named styles once, from templates/docx', () => {
    const styles = docx.parts['word/styles.xml']
    for (const id of ['Normal', 'Title', 'Subtitle', 'Heading1', 'Heading2', 'Heading3', 'Quote', 'ListParagraph', 'FootnoteText', 'Hyperlink', 'ItemLead', 'TOC1']) {
      expect(styles.match(new RegExp(`w:styleId="${id}"`, 'g')), id).toHaveLength(1)
    }
    expect(styles).toMatch(/w:styleId="ItemLead"[^]*?<w:name w:val="Item Lead"\/>/)
    expect(styles).toContain('Source Serif 4')
  })

  it('styles paragraphs and runs by name, never formatting runs directly', () => {
    const document = docx.parts['word/document.xml']
    const styles = docx.parts['word/styles.xml']
    const used = new Set([...document.matchAll(/<w:[pr]Style w:val="([^"]+)"/g)].map((m) => m[1]))
    for (const id of used) expect(styles, id).toContain(`w:styleId="${id}"`)
    for (const id of ['Title', 'Subtitle', 'Heading1', 'ListParagraph', 'ItemLead', 'TOCHeading']) expect(used, id).toContain(id)
    // Runs carry a style, bold or italics at most: no fonts, sizes or colours.
    const runProperties = [...document.matchAll(/<w:r><w:rPr>([\s\S]*?)<\/w:rPr>/g)].map((m) => m[1])
    expect(runProperties.length).toBeGreaterThan(20)
    for (const rPr of runProperties) expect(rPr).not.toMatch(/<w:(sz|color|rFonts)\b/)
  })

  it('numbers lists with numbering definitions, restarting each list, never typed', () => {
    const document = docx.parts['word/document.xml']
    const numbering = docx.parts['word/numbering.xml']
    expect(numbering).toMatch(/<w:lvl w:ilvl="0"[^>]*>[\s\S]*?<w:numFmt w:val="decimal"\/>/)
    expect(numbering).toMatch(/<w:lvl w:ilvl="1"[^>]*>[\s\S]*?<w:numFmt w:val="lowerLetter"\/>/)
    const numbered = paragraphs(document).filter((p) => p.xml.includes('<w:numPr>'))
    // Every finding, objective and recommendation, and the lettered items.
    expect(numbered.length).toBeGreaterThanOrEqual(docx.file.data.items!.length + 4)
    for (const p of paragraphs(document)) expect(p.text).not.toMatch(/^\s*(\d+|[a-z]|[ivx]+)[.)]\s/)
    // Four sections, four top-level lists, each its own numbering instance.
    const topLevel = numbered.filter((p) => p.xml.includes('<w:ilvl w:val="0"/>')).map((p) => /<w:numId w:val="(\d+)"/.exec(p.xml)![1])
    expect(new Set(topLevel).size).toBe(4)
    for (const id of new Set(topLevel)) expect(numbering).toContain(`<w:num w:numId="${id}"`)
  })

  it('bookmarks every heading and item', () => {
    const names = new Set([...docx.parts['word/document.xml'].matchAll(/<w:bookmarkStart w:name="([^"]+)"/g)].map((m) => m[1]))
    const ids = [...docx.file.data.outline!.map((entry) => entry.id), ...docx.file.data.items!.map((item) => item.id)]
    expect(ids.length).toBe(5 + 22)
    for (const id of ids) expect(names, id).toContain(bookmarkName(id))
  })

  it('writes a table of contents with its entries and page numbers', () => {
    const document = docx.parts['word/document.xml']
    expect(document).toContain('TOC \\h \\o &quot;1-2&quot;')
    const entries = paragraphs(document).filter((p) => p.xml.includes('<w:pStyle w:val="TOC1"/>'))
    expect(entries.map((p) => p.text.split('\t')[0])).toEqual(docx.file.data.outline!.filter((e) => e.depth <= 2).map((e) => e.text))
    const pages = entries.map((p) => Number(p.text.split('\t')[1]))
    expect(pages.every((page) => Number.isInteger(page) && page >= 3)).toBe(true)
    expect([...pages].sort((a, b) => a - b)).toEqual(pages)
  })

  it('sets the document properties', () => {
    const core = docx.parts['docProps/core.xml']
    expect(core).toContain('<dc:title>North Korea’s Cyber Operations</dc:title>')
    expect(core).toContain('<dc:subject>Strategy and Responses</dc:subject>')
    expect(core).toContain('<dc:creator>Jenny Jun; Scott LaFoy; Ethan Sohn</dc:creator>')
    expect(core).toContain('<cp:keywords>North Korea, DPRK, cyber operations, cybersecurity, U.S.-ROK alliance</cp:keywords>')
    expect(core).toContain('<dc:language>en</dc:language>')
    expect(core).toMatch(/<dcterms:created [^>]*>2015-12-01T00:00:00Z</)
  })

  it('has headers and footers, the footer with the page number', () => {
    const footers = Object.entries(docx.parts).filter(([name]) => /^word\/footer\d+\.xml$/.test(name))
    expect(footers.some(([, xml]) => xml.includes('PAGE'))).toBe(true)
    const headers = Object.entries(docx.parts).filter(([name]) => /^word\/header\d+\.xml$/.test(name))
    expect(headers.some(([, xml]) => xml.includes('North Korea’s Cyber Operations'))).toBe(true)
    expect(docx.parts['word/document.xml']).toContain('<w:titlePg/>')
  })

  it('holds every paragraph of the source, in order', async () => {
    const expected = await sourceParagraphs(reportSource)
    const found = inOrder(expected, paragraphs(docx.parts['word/document.xml']).map((p) => normalize(p.text)), (a, b) => a === b)
    expect(found.filter((f) => f.at < 0).map((f) => f.needle)).toEqual([])
    expect(expected.length).toBeGreaterThan(30)
  })

  it('embeds no code face and no CJK face, as the report has neither code nor CJK text', () => {
    expect(docx.parts['word/fontTable.xml']).not.toContain('Source Code Pro')
    expect(docx.parts['word/fontTable.xml']).not.toMatch(/Noto Sans (JP|SC|TC|KR)/)
  })

  it('embeds each face cut down to the characters its text uses, marked as a subset, a fraction of whole faces', () => {
    // Whole faces made it 957 KB.
    expect(docx.bytes.length).toBeLessThan(250_000)
    const text = Object.entries(docx.parts)
      .filter(([name]) => /^word\/(document|footnotes|header\d+|footer\d+)\.xml$/.test(name))
      .flatMap(([, xml]) => [...xml.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((match) => decode(match[1])))
      .join('')
    const used = [...new Set([...text].map((char) => char.codePointAt(0)!))].filter((codePoint) => codePoint >= 0x20)
    const faces = embeddedFaces(docx.bytes)
    expect(faces.length).toBeGreaterThanOrEqual(4)
    for (const face of faces) {
      const font = fontkit.create(Buffer.from(face.bytes))
      const whole = fontkit.openSync(resolveFonts(templateLayers(reportSource), [face.family])[face.family][face.style === 'embedBold' ? 'bold' : face.style === 'embedItalic' ? 'italics' : face.style === 'embedBoldItalic' ? 'bolditalics' : 'normal'])
      // Every character the text has and the whole face has, and nothing like the whole face's size.
      expect(used.filter((codePoint) => whole.hasGlyphForCodePoint(codePoint) && !font.hasGlyphForCodePoint(codePoint)), `${face.family} ${face.style}`).toEqual([])
      expect(face.bytes.length).toBeLessThan(80_000)
    }
    expect(docx.parts['word/fontTable.xml'].match(/w:subsetted="1"/g)).toHaveLength(faces.length)
  })

  it('is byte-identical when built again, in this process or another', async () => {
    const again = await buildDocx(reportSource)
    expect(Buffer.compare(Buffer.from(again.bytes), Buffer.from(docx.bytes))).toBe(0)
    // A fresh process in another time zone: docx's counters start afresh there.
    expect(Buffer.compare(docxInChild(reportSource, { TZ: 'Pacific/Auckland' }), Buffer.from(docx.bytes))).toBe(0)
    // No random ids left: relationship ids are docx's counters or ours.
    for (const [name, xml] of Object.entries(docx.parts)) {
      if (name.endsWith('.rels')) for (const [, id] of xml.matchAll(/\bId="([^"]+)"/g)) expect(id).toMatch(/^rId(Docx)?\d+$/)
    }
  })

  it('is byte-identical with the font subsets a build before it kept on disk, and without them', () => {
    const kept = path.join(import.meta.dirname, '..', 'node_modules', '.cache', 'dossier', 'docx-subset')
    rmSync(kept, { recursive: true, force: true })
    expect(Buffer.compare(docxInChild(reportSource), Buffer.from(docx.bytes))).toBe(0)
    // The first build kept its subsets; the next one reads them instead of making them.
    expect(readdirSync(kept).length).toBeGreaterThan(0)
    expect(Buffer.compare(docxInChild(reportSource), Buffer.from(docx.bytes))).toBe(0)
  })

  // The contents' page numbers come from docx's estimate, which lays out
  // every paragraph; the built CLI keeps each paragraph's lines between
  // builds (`node_modules/.cache/dossier/docx-lines/`, a patch of docx in
  // scripts/bundle.mjs), and these tests build with docx as published.
  it('has the page numbers docx works out, with the lines a build before it kept and without them, and after an edit', async () => {
    // An edit that moves every later section a page on: the report's longest paragraph twice more, early.
    const text = readFileSync(reportSource, 'utf8')
    const longest = longestParagraph(text)
    // The lines are kept by source: the report, then the same file edited.
    const source = path.join(tempDir('dossier-docx-'), 'report.md')
    const edited = text.replace(longest, `${longest}\n\n${longest}\n\n${longest}`)
    writeFileSync(source, edited)
    const features = fixture('docx-features', 'report.md')
    const asPublished = await Promise.all([source, features].map(async (source) => (await buildDocx(source)).bytes))
    const numbers = (bytes: Uint8Array) => paragraphs(strFromU8(unzipSync(bytes)['word/document.xml'])).filter((p) => /w:val="TOC\d"/.test(p.xml)).map((p) => p.text.split('\t')[1])
    expect(numbers(asPublished[0])).not.toEqual(numbers(docx.bytes))
    writeFileSync(source, text)

    rmSync(keptLines, { recursive: true, force: true })
    expect(Buffer.compare(docxInChild(source), Buffer.from(docx.bytes))).toBe(0)
    expect(readdirSync(keptLines).length).toBeGreaterThan(0)
    // Read back: the report as it was, then edited, then a document of tables, lists and notes.
    expect(Buffer.compare(docxInChild(source), Buffer.from(docx.bytes))).toBe(0)
    writeFileSync(source, edited)
    expect(Buffer.compare(docxInChild(source), Buffer.from(asPublished[0]))).toBe(0)
    expect(Buffer.compare(docxInChild(features), Buffer.from(asPublished[1]))).toBe(0)
    expect(Buffer.compare(docxInChild(features), Buffer.from(asPublished[1]))).toBe(0)
  })

  // A source's store is read by each of its builds: what an edit replaced is not kept in it.
  it("keeps the lines of the paragraphs a source's last build laid out, not those an edit replaced", () => {
    const text = readFileSync(reportSource, 'utf8')
    const longest = longestParagraph(text)
    const source = path.join(tempDir('dossier-docx-'), 'report.md')
    // The stores holding a word, each as its paragraphs' lines.
    const storesWith = (word: string) =>
      readdirSync(keptLines)
        .map((name) => JSON.parse(readFileSync(path.join(keptLines, name)).subarray(32).toString('utf8')) as Array<[string, string]>)
        .filter((entries) => entries.some(([, lines]) => lines.includes(word)))
    writeFileSync(source, text.replace(longest, `${longest} Zyxwvut`))
    docxInChild(source)
    const [before] = storesWith('Zyxwvut')
    writeFileSync(source, text.replace(longest, `${longest} Qponmlk`))
    docxInChild(source)
    expect(storesWith('Zyxwvut')).toEqual([])
    const [after] = storesWith('Qponmlk')
    expect(after.length).toBe(before.length)
    expect(after.filter(([, lines]) => !lines.includes('Qponmlk'))).toEqual(before.filter(([, lines]) => !lines.includes('Zyxwvut')))
  })
})

describe('docx: every construct', () => {
  const source = fixture('docx-features', 'report.md')
  let docx: Awaited<ReturnType<typeof buildDocx>>
  beforeAll(async () => {
    docx = await buildDocx(source)
  })

  it('writes native footnotes in the footnote styles', () => {
    const document = docx.parts['word/document.xml']
    const footnotes = docx.parts['word/footnotes.xml']
    expect(document.match(/<w:footnoteReference w:id="(\d+)"\/>/g)).toEqual(['<w:footnoteReference w:id="1"/>', '<w:footnoteReference w:id="2"/>'])
    expect(footnotes).toMatch(/<w:footnote w:id="1">[\s\S]*?<w:pStyle w:val="FootnoteText"\/>[\s\S]*?A footnote with a /)
    expect(footnotes).toContain('북한의 사이버 작전')
  })

  it('links out and in, to bookmarks', () => {
    const document = docx.parts['word/document.xml']
    expect(document).toContain(`w:anchor="${bookmarkName('first-finding')}"`)
    expect(document).toContain(`w:anchor="${bookmarkName('korean-text')}"`)
    expect(document).toContain(`<w:bookmarkStart w:name="${bookmarkName('first-finding')}"`)
    const rels = docx.parts['word/_rels/document.xml.rels']
    for (const url of ['https://www.csis.org/', 'http://www.example.com']) expect(rels).toContain(`Target="${url}" TargetMode="External"`)
    expect(docx.parts['word/_rels/footnotes.xml.rels']).toContain('Target="https://example.com/note"')
    expect(document).toMatch(/<w:hyperlink [^>]*>(<w:r><w:rPr><w:rStyle w:val="Hyperlink"\/>)/)
  })

  it('sets tables with explicit column widths and a repeating header row', () => {
    const document = docx.parts['word/document.xml']
    const grid = /<w:tblGrid>([\s\S]*?)<\/w:tblGrid>/.exec(document)![1]
    const widths = [...grid.matchAll(/<w:gridCol w:w="(\d+)"\/>/g)].map((m) => Number(m[1]))
    expect(widths).toHaveLength(3)
    // The text width: Letter less the design’s margins (templates/design.json), in twips.
    expect(widths.reduce((a, b) => a + b)).toBe((612 - 2 * 117) * 20)
    expect(document).toContain('<w:tblLayout w:type="fixed"/>')
    expect(document).toMatch(/<w:trPr>[^]*?<w:tblHeader\/>/)
    expect(document).toMatch(/<w:tcW w:type="dxa" w:w="\d+"\/>/)
    expect(document).toContain('<w:pStyle w:val="TableHeading"/>')
  })

  it('embeds images with their alt text and captions, and leaves remote ones to theirs', () => {
    const document = docx.parts['word/document.xml']
    expect(document).toMatch(/<wp:docPr [^>]*descr="A chart of incidents"/)
    expect(Object.keys(unzipSync(docx.bytes)).some((name) => name.startsWith('word/media/'))).toBe(true)
    expect(docx.file.messages.map((m) => m.ruleId)).toContain('image-remote')
    const captions = paragraphs(document).filter((p) => p.xml.includes('<w:pStyle w:val="Caption"/>')).map((p) => p.text)
    // The remote image's alt text is its caption; it stands in once.
    expect(captions).toEqual(['Figure 1. Incidents by year', 'Figure 2. Remote image'])
    expect(paragraphs(document).filter((p) => p.text.includes('Remote image'))).toHaveLength(1)
  })

  it('sets code in the monospace face and embeds it, as there is code', () => {
    const styles = docx.parts['word/styles.xml']
    for (const id of ['SourceCode', 'SourceCodeChar']) {
      const style = new RegExp(`<w:style [^>]*w:styleId="${id}"[^>]*>[\\s\\S]*?</w:style>`).exec(styles)
      expect(style?.[0], id).toContain('w:ascii="Source Code Pro"')
    }
    expect(docx.parts['word/fontTable.xml']).toContain('w:name="Source Code Pro"')
  })

  it('marks Hangul as East Asian: a Korean face and ko-KR', () => {
    const document = docx.parts['word/document.xml']
    const run = /<w:r><w:rPr>((?:(?!<\/w:rPr>).)*)<\/w:rPr><w:t[^>]*>사이버 작전<\/w:t>/.exec(document)
    expect(run).not.toBeNull()
    expect(run![1]).toContain('w:eastAsia="Noto Sans KR"')
    expect(run![1]).toContain('w:hint="eastAsia"')
    expect(run![1]).toContain('<w:lang w:eastAsia="ko-KR"/>')
    expect(docx.parts['word/fontTable.xml']).toContain('w:name="Noto Sans KR"')
  })

  it('restarts lettered sub-lists under each item, and starts lists where the source does', () => {
    const numbered = paragraphs(docx.parts['word/document.xml']).filter((p) => p.xml.includes('<w:numPr>'))
    const numIdOf = (text: string) => /<w:numId w:val="(\d+)"/.exec(numbered.find((p) => p.text.startsWith(text))!.xml)![1]
    // Sub-lists share their parent's instance one level down, which Word restarts after each parent item.
    expect(numIdOf('A lettered sub-item')).toBe(numIdOf('The first finding'))
    expect(numIdOf('Lettered again')).toBe(numIdOf('The first finding'))
    const third = numbered.find((p) => p.text === 'third')!
    const abstract = /<w:num w:numId="(\d+)"[^>]*><w:abstractNumId w:val="(\d+)"\/>/g
    const abstracts = new Map([...docx.parts['word/numbering.xml'].matchAll(abstract)].map((m) => [m[1], m[2]]))
    const abstractId = abstracts.get(/<w:numId w:val="(\d+)"/.exec(third.xml)![1])
    expect(docx.parts['word/numbering.xml']).toMatch(new RegExp(`<w:abstractNum [^>]*w:abstractNumId="${abstractId}"[^>]*>[\\s\\S]*?<w:start w:val="3"/>`))
    expect(paragraphs(docx.parts['word/document.xml']).map((p) => p.text)).toContain('A second paragraph of the first finding.')
  })

  it('holds every paragraph of the source, in order', async () => {
    const expected = await sourceParagraphs(source)
    const texts = paragraphs(docx.parts['word/document.xml']).map((p) => normalize(p.text))
    // Task items carry their box; a line break is a break, not a space.
    const found = inOrder(expected, texts, (a, b) => a.replace(/^[☐☒] /, '') === b.replace(/\s+/g, ' ') || a.replace(/\s/g, '') === b.replace(/\s/g, ''))
    expect(found.filter((f) => f.at < 0).map((f) => f.needle)).toEqual([])
  })
})

/** Convert with LibreOffice as a reader's machine would, and read the PDF's text page by page. */
function openInLibreOffice(docxPath: string): { pages: string[]; pdf: string } {
  const dir = tempDir('dossier-docx-lo-')
  const converted = spawnSync(
    'soffice',
    [`-env:UserInstallation=file://${path.join(dir, 'profile')}`, '--headless', '--convert-to', 'pdf', '--outdir', dir, docxPath],
    { encoding: 'utf8', timeout: 110_000 }
  )
  expect(converted.status, converted.stderr).toBe(0)
  const pdf = path.join(dir, `${path.basename(docxPath, '.docx')}.pdf`)
  // Layout mode keeps a hyphen that ends a line (Korea-Japan-China) where
  // the default mode takes it for hyphenation and drops it.
  const text = spawnSync('pdftotext', ['-layout', '-enc', 'UTF-8', pdf, '-'], { encoding: 'utf8' })
  expect(text.status, text.stderr).toBe(0)
  return { pages: text.stdout.split('\f').slice(0, -1), pdf }
}

describe.skipIf(!needs('libreoffice', 'poppler'))('docx: opened in LibreOffice', () => {
  let pages: string[]
  let docx: Awaited<ReturnType<typeof buildDocx>>
  beforeAll(async () => {
    docx = await buildDocx(reportSource)
    pages = openInLibreOffice(docx.path).pages
  })

  it('shows every sentence of the seed, in order', () => {
    // The running head, the page number and the list numbers are not part of the text.
    const body = pages
      .map((page) => page.split('\n').filter((line) => line.trim() !== 'North Korea’s Cyber Operations' && !/^\s*\d+\s*$/.test(line)).join('\n'))
      .join('\n')
      .replace(/^\s*(\d+|[a-z])\.\s+/gm, '')
    const text = normalize(body.replace(/-\n\s*/g, '-'))
    let from = 0
    const missing: string[] = []
    for (const sentence of seedSentences()) {
      const at = text.indexOf(sentence, from)
      if (at < 0) missing.push(sentence)
      else from = at + sentence.length
    }
    expect(missing).toEqual([])
    expect(pages.length).toBeGreaterThan(8)
  })

  it('shows the table of contents with the page each section starts on', () => {
    const contents = pages.findIndex((page) => /^Contents$/m.test(page))
    // After the cover and the imprint.
    expect(contents).toBe(2)
    const toc = normalize(pages[contents])
    for (const entry of docx.file.data.outline!.filter((e) => e.depth === 1)) {
      const match = new RegExp(`${normalize(entry.text).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*\\.{3,}\\s*(\\d+)`).exec(toc)
      expect(match, entry.text).not.toBeNull()
      const page = Number(match![1])
      const starts = pages.findIndex((text, index) => index > contents && normalize(text).includes(normalize(entry.text)))
      expect(page, entry.text).toBe(starts + 1)
    }
  })

  it('sets Hangul in the embedded Korean face, and code in the embedded monospace face', async () => {
    const features = await buildDocx(fixture('docx-features', 'report.md'))
    const { pages, pdf } = openInLibreOffice(features.path)
    const text = pages.join('\n')
    expect(text).toContain('사이버 작전')
    expect(text).toContain('북한의 사이버 작전')
    const fonts = spawnSync('pdffonts', [pdf], { encoding: 'utf8' }).stdout
    expect(fonts).toMatch(/\+NotoSansKR-Regular/)
    expect(fonts).toMatch(/\+SourceCodePro-Regular/)
  })
})
