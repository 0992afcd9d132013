import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { strFromU8, unzipSync } from 'fflate'
import { PDFParse } from 'pdf-parse'
import { describe, expect, it } from 'vitest'
import { build } from '../src/build.js'
import { fixture, needs, normalize, tempDir } from './helpers.js'

// One source with each common element of raw HTML, built once in every
// edition that sets it; each test reads one edition back.
const source = fixture('raw-html', 'report.md')
const out = tempDir('dossier-raw-html-')
const result = await build({ source, outDir: out, formats: ['pdf', 'docx', 'html'] })
const pdfPath = path.join(out, 'report.pdf')

/** The words of every element in the fixture, in the source's order. */
const words = [
  'Water is H2O.',
  'Next line.',
  'Energy is mc2, with bold, strong, italic, emphasised, underlined, struck and coded words and the manual.',
  'Words of a division.',
  'A Markdown paragraph inside a division.',
  'An HTML paragraph with a span in it.',
  'Country', 'Units', 'Alpha', '121', 'Beta', '6000',
  'First bullet', 'Second bullet', 'First step', 'Second step',
  'A quoted sentence.',
  'More detail', 'Folded paragraph.',
  'An HTML heading',
  'A chart',
  'A clip of the launch.',
  'Closing words.'
]

/** Index in `text` of each phrase, searched after the previous one; the phrases not found. */
function missingInOrder(phrases: string[], text: string): string[] {
  let from = 0
  const missing: string[] = []
  for (const phrase of phrases.map(normalize)) {
    const at = text.indexOf(phrase, from)
    if (at < 0) missing.push(phrase)
    else from = at + phrase.length
  }
  return missing
}

describe('raw HTML: the build', () => {
  it('warns once, at its line and column, of each element print and Word cannot set', () => {
    const messages = result.file.messages.map((message) => `${message.line}:${message.column} ${message.ruleId} ${message.reason}`).sort()
    expect(messages).toEqual([
      // An HTML heading is checked as a Markdown one: `<h3>` under a `#` section skips a level.
      expect.stringMatching(/^54:1 heading-level-skipped Unexpected heading “An HTML heading” \(`<h3>`\) 2 levels below/),
      expect.stringMatching(/^62:1 html-unsupported Unexpected `<video>` .*only its text is kept/),
      expect.stringMatching(/^64:1 html-unsupported Unexpected `<script>` .*left out/)
    ])
    expect(result.written).toHaveLength(3)
  })
})

describe('raw HTML: the print edition', async () => {
  const parser = new PDFParse({ data: new Uint8Array(readFileSync(pdfPath)) })
  const pages = (await parser.getText()).pages.map((page) => page.text)
  await parser.destroy()
  const text = normalize(pages.join('\n'))

  it('keeps the words of every element, in order, and nothing of comments or scripts', () => {
    expect(missingInOrder(words, text)).toEqual([])
    expect(text).not.toMatch(/alert|never shown|editor.s comment|<|>/)
  })

  it('breaks the line at <br>', () => {
    const lines = pages.join('\n').split('\n')
    expect(lines[lines.indexOf('Water is H2O.') + 1]).toBe('Next line.')
  })

  it('sets table cells as a table: one row per line', () => {
    const lines = pages.join('\n').split('\n')
    expect(lines).toEqual(expect.arrayContaining(['Country Units', 'Alpha 121', 'Beta 6000']))
  })

  it('embeds the image of <img>', () => {
    expect(readFileSync(pdfPath).toString('latin1')).toMatch(/\/Subtype \/Image/)
  })

  it.skipIf(!needs('poppler'))('sets <sub> lowered and <sup> raised, smaller than the text', () => {
    const bbox = spawnSync('pdftotext', ['-bbox', pdfPath, '-'], { encoding: 'utf8' }).stdout
    const boxes = [...bbox.matchAll(/yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</g)].map((m) => ({ top: Number(m[1]), bottom: Number(m[2]), word: m[3] }))
    const after = (word: string) => boxes[boxes.findIndex((box) => box.word === word) + 1]
    const [h, sub] = [boxes.find((box) => box.word === 'H')!, after('H')]
    const [mc, sup] = [boxes.find((box) => box.word === 'mc')!, after('mc')]
    expect([sub.word, sup.word]).toEqual(['2', '2'])
    expect(sub.bottom - sub.top).toBeLessThan(h.bottom - h.top)
    expect(sub.bottom).toBeGreaterThan(h.bottom)
    expect(sup.bottom - sup.top).toBeLessThan(mc.bottom - mc.top)
    expect(sup.bottom).toBeLessThan(mc.bottom)
  })
})

describe('raw HTML: the Word edition', () => {
  const parts = unzipSync(new Uint8Array(readFileSync(path.join(out, 'report.docx'))))
  const xml = strFromU8(parts['word/document.xml'])
  const paragraphs = [...xml.matchAll(/<w:p[ >][\s\S]*?<\/w:p>/g)].map(([p]) => ({ xml: p, text: [...p.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((m) => m[1]).join('') }))
  const paragraph = (start: string) => paragraphs.find((p) => p.text.startsWith(start))!

  it('keeps the words of every element, in order, and nothing of comments or scripts', () => {
    const text = normalize(paragraphs.map((p) => p.text.replace(/&apos;/g, "'")).join('\n'))
    // Word gives an image its alt text as its description, not as a caption.
    expect(missingInOrder(words.filter((phrase) => phrase !== 'A chart'), text)).toEqual([])
    expect(text).not.toMatch(/alert|never shown|editor's comment/)
  })

  it('breaks the line at <br> and sets <sub> and <sup> as Word does', () => {
    expect(paragraph('Water is H').xml).toMatch(/<w:vertAlign w:val="subscript"\/><\/w:rPr><w:t[^>]*>2<\/w:t>[\s\S]*>O\.<\/w:t><\/w:r><w:r><w:br\/><\/w:r><w:r><w:t[^>]*>Next line\./)
    expect(paragraph('Energy is mc').xml).toMatch(/<w:vertAlign w:val="superscript"\/><\/w:rPr><w:t[^>]*>2<\/w:t>/)
  })

  it('makes <a href> a hyperlink and <table> a table', () => {
    const rels = strFromU8(parts['word/_rels/document.xml.rels'])
    const id = /Id="([^"]+)" Type="[^"]+\/hyperlink" Target="https:\/\/example\.org\/manual"/.exec(rels)?.[1]
    expect(paragraph('Energy is mc').xml).toContain(`<w:hyperlink w:history="1" r:id="${id}">`)
    const table = /<w:tbl>[\s\S]*?<\/w:tbl>/.exec(xml)?.[0] ?? ''
    expect([...table.matchAll(/<w:tr[ >][\s\S]*?<\/w:tr>/g)].map(([row]) => [...row.matchAll(/<w:t(?: [^>]*)?>([^<]*)</g)].map((m) => m[1]))).toEqual([
      ['Country', 'Units'],
      ['Alpha', '121'],
      ['Beta', '6000']
    ])
  })

  it('gives lists, quotes, headings and images their Word form', () => {
    expect(paragraph('First bullet').xml).toContain('<w:numPr>')
    expect(paragraph('Second step').xml).toContain('<w:numPr>')
    expect(paragraph('A quoted sentence.').xml).toContain('<w:pStyle w:val="Quote"/>')
    expect(paragraph('An HTML heading').xml).toContain('<w:pStyle w:val="Heading3"/>')
    expect(Object.keys(parts).filter((name) => name.startsWith('word/media/'))).toHaveLength(1)
    expect(xml).toMatch(/<wp:docPr [^>]*descr="A chart"/)
  })
})

describe('raw HTML: the web edition', () => {
  it('is what it was before print and Word parsed raw HTML', async () => {
    // `main.html` is the html-raw fixture's <main> as the web edition wrote it before, with the link to copy each heading's address and the skip link's target.
    const htmlOut = tempDir('dossier-raw-html-web-')
    await build({ source: fixture('html-raw', 'input.md'), outDir: htmlOut, formats: ['html'] })
    const page = readFileSync(path.join(htmlOut, 'input.html'), 'utf8')
    expect(`${/<main[ >][\s\S]*<\/main>/.exec(page)?.[0]}\n`).toBe(readFileSync(fixture('html-raw', 'main.html'), 'utf8'))
  })

  it('keeps raw-only elements of the fixture here: <sup>, <sub>, <details>', () => {
    const page = readFileSync(path.join(out, 'report.html'), 'utf8')
    expect(page).toMatch(/H<sub>2<\/sub>O\.<br>Next line\./)
    expect(page).toMatch(/<details>\s*<summary>More detail<\/summary>/)
  })
})
