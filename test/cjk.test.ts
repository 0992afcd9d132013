import { readFileSync } from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { strFromU8, unzipSync } from 'fflate'
import { PDFParse } from 'pdf-parse'
import { chromium } from 'playwright-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { build } from '../src/build.js'
import { chromiumPath, fixture, needs, normalize, tempDir } from './helpers.js'

/** One fixture's PDF and Word editions, read back. */
interface Edition {
  messages: string[]
  /** The PDF's text, page by page, lines as pdf.js reads them. */
  pages: string[]
  /** The faces the PDF embeds (`NotoSansJP-Regular`), subset prefix removed. */
  pdfFonts: string[]
  /** `word/document.xml`, `word/styles.xml`, `word/fontTable.xml`. */
  docx: Record<string, string>
}

const faceNames = /NotoSans(JP|SC|TC|KR)/

async function editions(name: string): Promise<Edition> {
  const source = fixture(name, 'report.md')
  const out = tempDir('dossier-cjk-')
  const result = await build({ source, outDir: out, formats: ['pdf', 'docx'] })
  expect(result.written).toHaveLength(2)
  const pdf = readFileSync(path.join(out, 'report.pdf'))
  const parser = new PDFParse({ data: new Uint8Array(pdf) })
  const pages = (await parser.getText()).pages.map((page) => page.text)
  await parser.destroy()
  const pdfFonts = [...new Set([...pdf.toString('latin1').matchAll(/\/BaseFont \/[A-Z]{6}\+([\w-]+)/g)].map(([, font]) => font))]
  const docx: Record<string, string> = {}
  for (const [part, data] of Object.entries(unzipSync(new Uint8Array(readFileSync(path.join(out, 'report.docx')))))) if (part.endsWith('.xml')) docx[part] = strFromU8(data)
  return { messages: result.file.messages.map(String), pages, pdfFonts, docx }
}

/** The CJK faces among `fonts`, as their languages' codes (JP, SC, TC, KR). */
function cjkFaces(fonts: string[]): string[] {
  return [...new Set(fonts.flatMap((font) => faceNames.exec(font)?.[1] ?? []))].sort()
}

/** The source's paragraph that starts with `start`, as written. */
function sourceParagraph(name: string, start: string): string {
  const paragraph = readFileSync(fixture(name, 'report.md'), 'utf8')
    .split(/\n\s*\n/)
    .find((block) => block.startsWith(start))
  expect(paragraph, start).toBeDefined()
  return paragraph!
}

/** Text without any white space: how CJK text compares across line breaks. */
const unspaced = (text: string) => text.replace(/\s+/gu, '')

/**
 * Each Word run with text: its East Asian face and language, and its text.
 * The table of contents is left out: Word fills it from the headings, in
 * the document default's face and language.
 */
function runs(xml: string): Array<{ face?: string; language?: string; text: string }> {
  return [...xml.replace(/<w:sdt>[\s\S]*?<\/w:sdt>/g, '').matchAll(/<w:r>([\s\S]*?)<\/w:r>/g)]
    .map(([, run]) => ({
      face: /<w:rFonts [^>]*w:eastAsia="([^"]+)"/.exec(run)?.[1],
      language: /<w:lang [^>]*w:eastAsia="([^"]+)"/.exec(run)?.[1],
      text: [...run.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map(([, text]) => text).join('')
    }))
    .filter((run) => run.text !== '')
}

/** The document default's East Asian face and language in `word/styles.xml`. */
function eastAsianDefaults(styles: string): [face: string | undefined, language: string | undefined] {
  const defaults = /<w:docDefaults>[\s\S]*?<\/w:docDefaults>/.exec(styles)?.[0] ?? ''
  return [/w:eastAsia="([^"]+)"[^>]*\/>/.exec(/<w:rFonts [^>]*>/.exec(defaults)?.[0] ?? '')?.[1], /<w:lang [^>]*w:eastAsia="([^"]+)"/.exec(defaults)?.[1]]
}

// Closing punctuation, iteration marks and small kana may not begin a
// line; opening punctuation may not end one (JIS X 4051, as UAX #14 has it).
const mayNotStart = /^[。、，．・：；？！ー」』）］｝】〕〉》〟ゝゞヽヾ々ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶ]/u
const mayNotEnd = /[「『（［｛【〔〈《〝]$/u

describe('Japanese', () => {
  let ja: Edition
  beforeAll(async () => {
    ja = await editions('cjk-japanese')
  }, 60_000)

  it('prints every character of a Japanese paragraph, in Noto Sans JP and no other CJK face', () => {
    expect(ja.messages).toEqual([])
    const printed = unspaced(ja.pages.join('\n'))
    for (const start of ['北朝鮮のサイバー作戦は', '**東京**とソウル']) expect(printed).toContain(unspaced(sourceParagraph('cjk-japanese', start).replace(/\*\*/g, '')))
    expect(cjkFaces(ja.pdfFonts)).toEqual(['JP'])
    expect(ja.pdfFonts).toEqual(expect.arrayContaining(['NotoSansJP-Regular', 'NotoSansJP-Bold']))
  })

  it('breaks lines between characters, never before 。、」 or small kana nor after 「', () => {
    const lines = ja.pages.join('\n').split('\n').map((line) => line.trim()).filter(Boolean)
    // The first paragraph wraps over several lines, so the breaks were made by the layout.
    const paragraph = lines.filter((line) => unspaced(sourceParagraph('cjk-japanese', '北朝鮮のサイバー作戦は')).includes(unspaced(line)))
    expect(paragraph.length).toBeGreaterThanOrEqual(4)
    expect(lines.filter((line) => mayNotStart.test(line))).toEqual([])
    expect(lines.filter((line) => mayNotEnd.test(line))).toEqual([])
  })

  it('marks Japanese runs in Word as East Asian ja-JP in Noto Sans JP, the document default too', () => {
    const marked = runs(ja.docx['word/document.xml']).filter((run) => /\p{Script=Han}|\p{Script=Hiragana}/u.test(run.text))
    expect(marked.length).toBeGreaterThan(5)
    for (const run of marked) expect(run, run.text).toMatchObject({ face: 'Noto Sans JP', language: 'ja-JP' })
    expect(eastAsianDefaults(ja.docx['word/styles.xml'])).toEqual(['Noto Sans JP', 'ja-JP'])
    expect(ja.docx['word/fontTable.xml']).toContain('w:name="Noto Sans JP"')
    expect(ja.docx['word/fontTable.xml']).not.toMatch(/Noto Sans (KR|SC|TC)/)
  })
})

describe('Chinese', () => {
  let simplified: Edition
  let traditional: Edition
  beforeAll(async () => {
    ;[simplified, traditional] = await Promise.all([editions('cjk-chinese-simplified'), editions('cjk-chinese-traditional')])
  }, 90_000)

  it('sets zh-CN in Noto Sans SC and zh-TW in Noto Sans TC, each character printed', () => {
    expect([simplified.messages, traditional.messages]).toEqual([[], []])
    expect(cjkFaces(simplified.pdfFonts)).toEqual(['SC'])
    expect(cjkFaces(traditional.pdfFonts)).toEqual(['TC'])
    expect(unspaced(simplified.pages.join(''))).toContain(unspaced(sourceParagraph('cjk-chinese-simplified', '朝鲜的网络行动')))
    expect(unspaced(traditional.pages.join(''))).toContain(unspaced(sourceParagraph('cjk-chinese-traditional', '北韓的網路行動')))
    for (const edition of [simplified, traditional]) {
      const lines = edition.pages.join('\n').split('\n').map((line) => line.trim())
      expect(lines.filter((line) => mayNotStart.test(line) || mayNotEnd.test(line))).toEqual([])
    }
  })

  it('marks Chinese runs in Word zh-CN in Noto Sans SC, zh-TW in Noto Sans TC', () => {
    for (const [edition, face, language] of [
      [simplified, 'Noto Sans SC', 'zh-CN'],
      [traditional, 'Noto Sans TC', 'zh-TW']
    ] as const) {
      const marked = runs(edition.docx['word/document.xml']).filter((run) => /\p{Script=Han}/u.test(run.text))
      expect(marked.length).toBeGreaterThan(3)
      for (const run of marked) expect(run, run.text).toMatchObject({ face, language })
      expect(eastAsianDefaults(edition.docx['word/styles.xml'])).toEqual([face, language])
    }
  })
})

describe('Korean and Japanese in one document', () => {
  let mixed: Edition
  beforeAll(async () => {
    mixed = await editions('cjk-korean-japanese')
  }, 60_000)

  it('sets each in its own face, Korean breaking only between words, and warns of a character no face has', () => {
    expect(cjkFaces(mixed.pdfFonts)).toEqual(['JP', 'KR'])
    const body = mixed.pages.join('\n')
    expect(normalize(body)).toContain('이 문장은 한 줄보다 길어서 줄바꿈이 단어 사이에서만 일어나는지 확인하는 데 쓰인다.')
    expect(unspaced(body)).toContain(unspaced('「北朝鮮のサイバー作戦は、非対称かつ非正規の手段を重視する戦略の一部として理解されるべきである。偵察総局は平時の挑発を担い、総参謀部は戦時の作戦を準備する。」'))
    expect(mixed.messages).toEqual([expect.stringMatching(/report\.md:\d+:\d+-\d+:\d+: Unexpected character U\+30000 \(“𰀀”\) that no print font covers/)])
  })

  it('marks Korean runs ko-KR and Japanese ones ja-JP in Word; Han in a Korean sentence stays Korean', () => {
    const all = runs(mixed.docx['word/document.xml'])
    const find = (text: string) => all.find((run) => run.text.includes(text))
    expect(find('정찰총국은')).toMatchObject({ face: 'Noto Sans KR', language: 'ko-KR' })
    expect(find('北韓이라고')).toMatchObject({ face: 'Noto Sans KR', language: 'ko-KR' })
    expect(find('偵察総局は')).toMatchObject({ face: 'Noto Sans JP', language: 'ja-JP' })
    expect(eastAsianDefaults(mixed.docx['word/styles.xml'])).toEqual(['Noto Sans KR', 'ko-KR'])
    const fonts = mixed.docx['word/fontTable.xml']
    expect(fonts).toContain('w:name="Noto Sans KR"')
    expect(fonts).toContain('w:name="Noto Sans JP"')
  })
})

describe('Han alone in an English report', () => {
  it('reads it as Simplified Chinese, or as Japanese when the report has kana anywhere', async () => {
    const out = tempDir('dossier-cjk-en-')
    const marked: Record<string, unknown> = {}
    for (const name of ['han-only', 'with-kana']) {
      const source = fixture('cjk-english', `${name}.md`)
      const result = await build({ source, outDir: out, formats: ['docx'] })
      expect(result.file.messages.map(String)).toEqual([])
      const parts = unzipSync(new Uint8Array(readFileSync(path.join(out, `${name}.docx`))))
      const document = strFromU8(parts['word/document.xml'])
      marked[name] = runs(document).find((run) => /\p{Script=Han}/u.test(run.text))
    }
    expect(marked).toEqual({
      'han-only': { face: 'Noto Sans SC', language: 'zh-CN', text: '外交部' },
      'with-kana': { face: 'Noto Sans JP', language: 'ja-JP', text: '外務省' }
    })
  }, 60_000)
})

describe.skipIf(!needs('chromium'))('the web edition of CJK text', () => {
  it('names the Noto face of the page’s language, and breaks Japanese and Chinese between characters (strictly) but Korean between words', async () => {
    const out = tempDir('dossier-cjk-html-')
    for (const name of ['cjk-japanese', 'cjk-chinese-traditional', 'cjk-korean-japanese']) {
      await build({ source: fixture(name, 'report.md'), outDir: path.join(out, name), formats: ['html'] })
    }
    const browser = await chromium.launch({ executablePath: chromiumPath, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'] })
    try {
      const styles: Record<string, string[]> = {}
      for (const name of ['cjk-japanese', 'cjk-chinese-traditional', 'cjk-korean-japanese']) {
        const page = await browser.newPage()
        await page.goto(pathToFileURL(path.join(out, name, 'report.html')).href)
        styles[name] = await page.evaluate(() => {
          const style = (selector: string) => getComputedStyle(document.querySelector(selector)!)
          return [style('main p').fontFamily.split(', ').find((family) => family.includes('Noto')) ?? '', style('h2').fontFamily.includes('Noto') ? 'heading too' : 'heading not', style('main p').wordBreak, style('main p').lineBreak]
        })
        await page.close()
      }
      expect(styles).toEqual({
        'cjk-japanese': ['"Noto Sans JP"', 'heading too', 'normal', 'strict'],
        'cjk-chinese-traditional': ['"Noto Sans TC"', 'heading too', 'normal', 'strict'],
        'cjk-korean-japanese': ['"Noto Sans KR"', 'heading too', 'keep-all', 'auto']
      })
    } finally {
      await browser.close()
    }
  }, 60_000)
})

describe('a memo of a Japanese report', () => {
  it('sets every Japanese word of its PDF and Word file in the Japanese face, not dropped by its Latin faces', async () => {
    const out = tempDir('dossier-cjk-memo-')
    const result = await build({ source: fixture('cjk-memo', 'report.md'), outDir: out, formats: ['memo'] })
    expect(result.file.messages.map(String)).toEqual([])
    const pdf = readFileSync(path.join(out, 'memos', 'report.gov.pdf'))
    const parser = new PDFParse({ data: new Uint8Array(pdf) })
    const { pages } = await parser.getText()
    await parser.destroy()
    expect(pages).toHaveLength(1)
    const text = normalize(pages[0].text).replace(/\s+/g, '')
    // The header, the ask (its own full stop, not another), the finding and the recommendation.
    for (const words of ['政府の読者', '事務局', '政府への提言', 'werecommendto政府:情報共有を強化せよ。北朝鮮', '攻撃は増えている。偵察総局は平時の挑発を担う。', '民間企業との情報共有が重要である。']) expect(text).toContain(words)
    const fonts = [...new Set([...pdf.toString('latin1').matchAll(/\/BaseFont \/[A-Z]{6}\+([\w-]+)/g)].map(([, font]) => font))]
    expect(fonts).toEqual(expect.arrayContaining(['NotoSansJP-Regular', 'NotoSansJP-Bold', 'SourceSerif4-Regular']))
    // Sentences run on as Japanese writes them, with no space after 。 (the HTML memo as written).
    const html = readFileSync(path.join(out, 'memos', 'report.gov.html'), 'utf8')
    expect(html).toContain('情報共有を強化せよ。北朝鮮のサイバー作戦は')
    expect(html).toContain('攻撃は増えている。</strong>偵察総局は')
    // The Word file sets its Japanese in the same face, embedded, and says the text is Japanese.
    const docx = unzipSync(new Uint8Array(readFileSync(path.join(out, 'memos', 'report.gov.docx'))))
    expect(strFromU8(docx['word/styles.xml'])).toMatch(/<w:rFonts [^>]*w:eastAsia="Noto Sans JP"/)
    expect(strFromU8(docx['word/styles.xml'])).toContain('w:eastAsia="ja-JP"')
    expect(strFromU8(docx['word/fontTable.xml'])).toMatch(/<w:font w:name="Noto Sans JP">[\s\S]*?<w:embedRegular /)
  }, 60_000)
})

describe('an SVG figure’s words in the print edition', () => {
  it('sets Hangul in the Korean face, and warns at the figure of a character no face has', async () => {
    const out = tempDir('dossier-svg-text-')
    const result = await build({ source: fixture('svg-text', 'report.md'), outDir: out, formats: ['pdf'] })
    expect(result.file.messages.map(String)).toEqual([
      expect.stringMatching(/report\.md:10:1-10:36: Unexpected character U\+1F700 .* that no print font covers/)
    ])
    const parser = new PDFParse({ data: new Uint8Array(readFileSync(path.join(out, 'report.pdf'))) })
    const text = (await parser.getText()).text
    await parser.destroy()
    expect(text).toContain('북한 2015')
    expect(text).toContain('Plain label')
  }, 60_000)

  it('draws Hangul in the Word edition’s PNG stand-in too, in the Korean face', async () => {
    const out = tempDir('dossier-svg-text-')
    await build({ source: fixture('svg-text', 'report.md'), outDir: out, formats: ['docx'] })
    const files = unzipSync(new Uint8Array(readFileSync(path.join(out, 'report.docx'))))
    const png = Buffer.from(files['word/media/image1.png'])
    // The drawing as the Word edition's faces draw it, with and without the Korean face: the stand-in is the one with it.
    const { Resvg } = await import('@resvg/resvg-js')
    const { resvgFonts } = await import('../src/render/docx/svg-fallbacks.js')
    const { docxTemplateDefaults } = await import('../src/render/docx/styles.js')
    const { designDefaults, resolveTokens } = await import('../src/design.js')
    const template = resolveTokens(docxTemplateDefaults, designDefaults).value as typeof docxTemplateDefaults
    const { templateLayers } = await import('../src/templates.js')
    const templates = templateLayers(fixture('svg-text', 'report.md'))
    const draw = (languages: Array<'ko'>) =>
      new Resvg(Buffer.from(files['word/media/image1.svg']), { font: resvgFonts(template, templates, languages), fitTo: { mode: 'width', value: png.readUInt32BE(16) }, logLevel: 'off' }).render().asPng()
    expect(png.equals(draw(['ko']))).toBe(true)
    expect(png.equals(draw([]))).toBe(false)
  }, 60_000)
})
