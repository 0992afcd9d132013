import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { strFromU8, unzipSync } from 'fflate'
import type { Root as HastRoot } from 'hast'
import { select, selectAll } from 'hast-util-select'
import { toText } from 'hast-util-to-text'
import Ajv from 'ajv'
import { PDFParse } from 'pdf-parse'
import rehypeParse from 'rehype-parse'
import { unified } from 'unified'
import { beforeAll, describe, expect, it } from 'vitest'
import { build } from '../src/build.js'
import type { ReportData } from '../src/types.js'
import { fixture, normalize, root, tempDir } from './helpers.js'

/** The fixture's empty links, by target, and the label each must say. */
const expected: Array<[id: string, label: string]> = [
  ['cheap-attacks', 'Finding 1'],
  ['slow-attribution', 'Finding 2'],
  ['deter', 'Objective 1'],
  ['share-more', 'Recommendation 1.a'],
  ['attribute-faster', 'Recommendation 1.b'],
  ['context', 'Section 1'],
  ['objectives', 'Section 1.1'],
  ['recommendations', 'Section 2'],
  ['fig-incidents', 'Figure 1'],
  ['tbl-costs', 'Table 1'],
  ['tbl-days', 'Table 2']
]

const htmlTree = (file: string) => unified().use(rehypeParse).parse(readFileSync(file, 'utf8')) as HastRoot

describe('cross-references and figures in every edition', () => {
  const out = tempDir()
  const source = fixture('cross-references', 'input.md')
  let messages: Array<{ ruleId?: string; line?: number; reason: string }>
  let html: HastRoot
  let pdfText: string
  let pdfBytes: string
  let documentXml: string
  let data: ReportData

  beforeAll(async () => {
    const result = await build({ source, outDir: out, formats: ['html', 'json', 'pdf', 'docx'] })
    messages = result.file.messages
    expect(result.written).toHaveLength(4)
    html = htmlTree(path.join(out, 'input.html'))
    const bytes = readFileSync(path.join(out, 'input.pdf'))
    pdfBytes = bytes.toString('latin1')
    const parser = new PDFParse({ data: new Uint8Array(bytes) })
    pdfText = normalize((await parser.getText()).text)
    await parser.destroy()
    documentXml = strFromU8(unzipSync(new Uint8Array(readFileSync(path.join(out, 'input.docx'))))['word/document.xml'])
    data = JSON.parse(readFileSync(path.join(out, 'input.json'), 'utf8')) as ReportData
  }, 120_000)

  it('an empty link says its target’s label in the web edition, and links to its anchor', () => {
    for (const [id, label] of expected) {
      const links = selectAll(`main a[href="#${id}"]:not(.anchor)`, html).map((link) => toText(link))
      expect(links, id).toContain(label)
      expect(select(`[id="${id}"]`, html), id).toBeTruthy()
    }
    // A link with its own words keeps them.
    expect(selectAll('main a[href="#fig-incidents"]', html).map((link) => toText(link))).toEqual(['Figure 1', 'the figure'])
  })

  it('the print edition says the same labels, each a link to its named destination', () => {
    // The text layer puts the lettered list markers where it likes: read without them.
    const read = pdfText.replace(/ [a-z]\. /g, ' ')
    for (const phrase of [
      'See Figure 1 and Table 1.',
      'As Finding 1 shows, and the figure too.',
      'The aim behind Recommendation 1.b.',
      'Read Section 1 and Section 1.1 first.',
      'This builds on Recommendation 1.a, serves Objective 1 and answers Finding 2.',
      'See Recommendation 1.b, Section 2, Table 2 and #atribute-faster.'
    ]) {
      expect(read).toContain(normalize(phrase))
    }
    for (const [id] of expected) {
      expect(pdfBytes, id).toContain(`/D (${id})`)
      expect(pdfBytes, id).toMatch(new RegExp(`\\(${id}\\) \\[\\d+ 0 R /XYZ`))
    }
  })

  it('the Word edition says them too, linked to bookmarks, with a REF field to a caption', () => {
    const links = [...documentXml.matchAll(/<w:hyperlink [^>]*w:anchor="([^"]+)"[^>]*>([\s\S]*?)<\/w:hyperlink>/g)].map(([, anchor, inner]) => ({
      anchor,
      inner,
      text: [...inner.matchAll(/<w:t[^>]*>([^<]*)<\/w:t>/g)].map((m) => m[1]).join('')
    }))
    for (const [id, label] of expected) {
      const bookmark = id.replace(/-/g, '_')
      const link = links.find((candidate) => candidate.anchor === bookmark && candidate.text === label)
      expect(link, id).toBeTruthy()
      expect(documentXml, id).toContain(`w:name="${bookmark}"`)
      // Word updates a reference to a figure or a table from its caption's bookmark.
      if (/^(fig|tbl)-/.test(id)) expect(link!.inner).toContain(`<w:fldSimple w:instr="REF ${bookmark} \\h">`)
    }
    const caption = /<w:p><w:pPr><w:pStyle w:val="Caption"\/><\/w:pPr><w:bookmarkStart w:name="fig_incidents" w:id="\d+"\/>(.*?)<\/w:p>/.exec(documentXml)
    expect(caption?.[1].replace(/<[^>]+>/g, '')).toBe('Figure 1. Reported incidents, 2010–2015')
  })

  it('an empty link to an unknown id warns with the id meant, and shows what was written', () => {
    expect(messages.map((message) => [message.ruleId, message.line, message.reason])).toEqual([
      ['link-anchor-unknown', 47, 'Unknown anchor `#atribute-faster`, expected the id of a heading, an item, a figure or a table, did you mean `#attribute-faster`?']
    ])
    expect(selectAll('main a[href="#atribute-faster"]', html).map((link) => toText(link))).toEqual(['#atribute-faster'])
  })

  it('figures and captioned tables are numbered apart, captions below figures and above tables', () => {
    const figures = selectAll('main figure', html)
    expect(figures.map((figure) => [figure.properties.id ?? null, normalize(toText(select('figcaption', figure)!))])).toEqual([
      ['fig-incidents', normalize('Figure 1. Reported incidents, 2010–2015')],
      [null, normalize('Figure 2. The same chart, unlabelled')]
    ])
    expect(figures.every((figure) => select('img + figcaption', figure))).toBe(true)
    const tables = selectAll('main table', html)
    expect(tables.map((table) => [table.properties.id ?? null, select('caption', table) ? normalize(toText(select('caption', table)!)) : null])).toEqual([
      ['tbl-costs', normalize('Table 1. Estimated costs, in millions of dollars')],
      [null, null],
      ['tbl-days', normalize('Table 2. Days to attribute an attack')]
    ])
    // The caption's words stay the author's, emphasis and all.
    expect(select('#tbl-days caption em', html)).toBeTruthy()
    // In print, a figure's caption follows its image and a table's comes before its header row.
    expect(pdfText).toMatch(/table 1\. estimated costs, in millions of dollars\s+year\s+cost/)
    expect(pdfText).toContain(normalize('Figure 2. The same chart, unlabelled'))
    expect(documentXml).toMatch(/<w:pStyle w:val="TableCaption"\/>.*?Table 2.*?Days to .*?attribute.*? an attack<\/w:t><\/w:r><\/w:p><w:tbl>/)
  })

  it('report.json lists the figures and tables with their ids, labels and captions, as the schema says', () => {
    const schema = JSON.parse(readFileSync(path.join(root, 'schema', 'report.schema.json'), 'utf8')) as object
    const validate = new Ajv({ allErrors: true }).compile(schema)
    expect(validate(data), JSON.stringify(validate.errors)).toBe(true)
    expect(data.figures.map(({ id, label, caption, src }) => ({ id, label, caption, src }))).toEqual([
      { id: 'fig-incidents', label: 'Figure 1', caption: 'Reported incidents, 2010–2015', src: 'chart.png' },
      { id: undefined, label: 'Figure 2', caption: 'The same chart, unlabelled', src: 'chart.png' }
    ])
    expect(data.tables.map(({ id, label, caption }) => ({ id, label, caption }))).toEqual([
      { id: 'tbl-costs', label: 'Table 1', caption: 'Estimated costs, in millions of dollars' },
      { id: 'tbl-days', label: 'Table 2', caption: 'Days to attribute an attack' }
    ])
    expect(data.recommendations[1].body.text).toBe('This builds on Recommendation 1.a, serves Objective 1 and answers Finding 2.')
  })
})

describe('cross-references follow their targets', () => {
  it('inserting an item renumbers the references to those after it', async () => {
    const dir = tempDir()
    cpSync(fixture('cross-references'), dir, { recursive: true })
    const source = path.join(dir, 'input.md')
    const text = readFileSync(source, 'utf8')
    writeFileSync(
      source,
      text
        .replace('1. :finding[Attacks are cheap.]', '1. :finding[A new finding.]{#new-finding} Inserted first.\n2. :finding[Attacks are cheap.]')
        .replace('2. :finding[Attribution is slow.]', '3. :finding[Attribution is slow.]')
        .replace('   1. :recommendation[Share more.]', '   1. :recommendation[A new one.]{#new-one audience="us"} Inserted.\n   2. :recommendation[Share more.]')
        .replace('![Incidents by year]', '![A new chart](chart.png)\n\n![Incidents by year]')
    )
    const out = path.join(dir, 'out')
    const result = await build({ source, outDir: out, formats: ['html'] })
    expect(result.written).toHaveLength(1)
    const html = htmlTree(path.join(out, 'input.html'))
    const says = (id: string) => selectAll(`main a[href="#${id}"]:not(.anchor)`, html).map((link) => toText(link))[0]
    expect(says('cheap-attacks')).toBe('Finding 2')
    expect(says('slow-attribution')).toBe('Finding 3')
    expect(says('share-more')).toBe('Recommendation 1.b')
    expect(says('attribute-faster')).toBe('Recommendation 1.c')
    expect(says('fig-incidents')).toBe('Figure 2')
  })

  it('the words come from the templates’ labels.json', async () => {
    const templates = tempDir()
    mkdirSync(templates, { recursive: true })
    writeFileSync(path.join(templates, 'labels.json'), JSON.stringify({ recommendation: 'Empfehlung', finding: 'Befund', figure: 'Abbildung', table: 'Tabelle', section: 'Abschnitt', captionSeparator: ': ' }))
    const out = tempDir()
    const result = await build({ source: fixture('cross-references', 'input.md'), outDir: out, formats: ['json'], templatesDir: templates })
    expect(result.written).toHaveLength(1)
    const data = JSON.parse(readFileSync(path.join(out, 'input.json'), 'utf8')) as ReportData
    expect(data.recommendations[0].body.text).toBe('Read Abschnitt 1 and Abschnitt 1.1 first.')
    expect(data.recommendations[1].body.text).toBe('This builds on Empfehlung 1.a, serves Objective 1 and answers Befund 2.')
    expect(data.figures.map((figure) => figure.label)).toEqual(['Abbildung 1', 'Abbildung 2'])
  })

  it('a wrong key in labels.json is an error at its place', async () => {
    const templates = tempDir()
    writeFileSync(path.join(templates, 'labels.json'), '{\n  "recomendation": "Empfehlung"\n}\n')
    const result = await build({ source: fixture('cross-references', 'input.md'), outDir: tempDir(), formats: ['json'], templatesDir: templates })
    expect(result.written).toEqual([])
    expect(result.file.messages.map((message) => [message.ruleId, message.line, message.fatal])).toEqual([['labels-template-field', 2, true]])
  })
})
