import { readFileSync } from 'node:fs'
import path from 'node:path'
import Ajv from 'ajv'
import { strFromU8, unzipSync } from 'fflate'
import type { Root as HastRoot } from 'hast'
import { select, selectAll } from 'hast-util-select'
import { toText } from 'hast-util-to-text'
import { PDFParse } from 'pdf-parse'
import rehypeParse from 'rehype-parse'
import { unified } from 'unified'
import { VFile } from 'vfile'
import { describe, expect, it } from 'vitest'
import { build } from '../src/build.js'
import { parseReport } from '../src/pipeline.js'
import type { ReportData } from '../src/types.js'
import { cli, fixture, root, tempDir } from './helpers.js'

/** Every edition of one source, read back as a reader would. */
async function editions(source: string) {
  const out = tempDir('dossier-front-')
  const result = await build({ source, outDir: out, formats: ['html', 'json', 'pdf', 'docx'] })
  expect(result.file.messages.map(String)).toEqual([])
  expect(result.written).toHaveLength(4)
  const name = path.basename(source, '.md')
  const read = (extension: string) => readFileSync(path.join(out, `${name}.${extension}`))
  const parser = new PDFParse({ data: new Uint8Array(read('pdf')) })
  try {
    const docx = unzipSync(new Uint8Array(read('docx')))
    return {
      json: JSON.parse(read('json').toString('utf8')) as ReportData,
      html: unified().use(rehypeParse).parse(read('html').toString('utf8')) as HastRoot,
      // Page text with its line breaks as spaces: a long title wraps on the cover.
      pdf: { pages: (await parser.getText()).pages.map((page) => page.text.replace(/\s+/g, ' ')), info: (await parser.getInfo()).info as Record<string, unknown> },
      docx: { document: strFromU8(docx['word/document.xml']), core: strFromU8(docx['docProps/core.xml']) }
    }
  } finally {
    await parser.destroy()
  }
}

/** Parse a source held in memory; what `remarkMeta` and `remarkTitle` made of it, and the problems. */
async function parse(value: string, name = 'report.md') {
  const file = new VFile({ path: name, value })
  await parseReport(file)
  return { meta: file.data.meta!, outline: file.data.outline!, messages: file.messages.map(String) }
}

const occurrences = (text: string, needle: string) => text.split(needle).length - 1
/** The text of each Word paragraph. */
const docxParagraphs = (xml: string) => [...xml.matchAll(/<w:p[ >][\s\S]*?<\/w:p>/g)].map(([p]) => [...p.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((m) => m[1]).join(''))

describe('a Markdown file with no front matter', async () => {
  const title = 'Incident Response Playbook for Small Utilities'
  const sections = ['Purpose', 'Preparation', 'Detection and analysis', 'Recovery']
  const { json, html, pdf, docx } = await editions(fixture('front-matter', 'plain', 'incident-response.md'))

  it('takes its sole leading `#` heading as the title, and its `##` headings as the sections', () => {
    expect(json.meta.title).toBe(title)
    expect(json.outline.filter((entry) => entry.depth === 1).map((entry) => entry.text)).toEqual(sections)
    expect(json.outline.find((entry) => entry.text === 'Contacts')?.depth).toBe(2)
    expect(json.outline.map((entry) => entry.text)).not.toContain(title)
  })

  it('web: the title heads the page once; each section is a <section>', () => {
    expect(toText(select('header h1.title', html)!)).toBe(title)
    const article = select('article', html)!
    expect(toText(article)).not.toContain(title)
    expect(selectAll('section > h2', article).map((node) => toText(node))).toEqual(sections)
  })

  it('print: the title once on the cover, then only as the running head; the opening text on a page of its own', () => {
    const [cover, contents, ...rest] = pdf.pages
    expect(occurrences(cover, title)).toBe(1)
    for (const page of [contents, ...rest]) expect(occurrences(page, title)).toBe(1)
    expect(contents).toContain('Contents')
    expect(contents).not.toContain('This playbook describes')
    expect(rest[0]).toContain('This playbook describes')
    expect(pdf.info.Title).toBe(title)
  })

  it('Word: the title once in the document, the sections as Heading 1', () => {
    expect(docxParagraphs(docx.document).filter((text) => text === title)).toHaveLength(1)
    const headings = [...docx.document.matchAll(/<w:p>(?:(?!<\/w:p>)[\s\S])*?<w:pStyle w:val="Heading1"\/>[\s\S]*?<\/w:p>/g)].map(([p]) => docxParagraphs(p)[0])
    expect(headings).toEqual(sections)
  })
})

describe('a Markdown file with no heading at all', () => {
  it('takes its title from the file name', async () => {
    const { json, html, pdf } = await editions(fixture('front-matter', 'no-heading', 'cyber-playbook.md'))
    expect(json.meta.title).toBe('Cyber playbook')
    expect(toText(select('title', html)!)).toBe('Cyber playbook')
    expect(pdf.pages[0]).toContain('Cyber playbook')
    expect(toText(select('article', html)!)).toContain('Lock your screen whenever you leave your desk')
  })
})

describe('other tools’ front matter', () => {
  it.each(['jekyll', 'hugo', 'eleventy', 'quarto'])('a %s page builds without a word about the keys dossier does not use', async (tool) => {
    const folder = fixture('front-matter', tool)
    const source = readFileSync(path.join(folder, tool === 'quarto' ? 'report.md' : 'page.md'), 'utf8')
    expect((await parse(source)).messages).toEqual([])
  })

  it('a Jekyll page: its date, its tags as keywords, its `##` headings as sections', async () => {
    const { meta, outline } = await parse(readFileSync(fixture('front-matter', 'jekyll', 'page.md'), 'utf8'))
    expect(meta).toMatchObject({ title: 'Cyber brief: sanctions after Sony', date: '2015-12-16', keywords: ['sanctions', 'North Korea'] })
    expect(outline.map((entry) => [entry.depth, entry.text])).toEqual([[1, 'What happened'], [1, 'What followed']])
  })

  it('a title the front matter gives and a heading repeats is printed once; a different heading stays a section', async () => {
    const repeated = await parse('---\ntitle: North Korea’s Cyber Operations\n---\n\n# North Korea\'s cyber operations\n\n## Strategy\n')
    expect(repeated.outline.map((entry) => [entry.depth, entry.text])).toEqual([[1, 'Strategy']])
    const different = await parse('---\ntitle: Annual report\n---\n\n# Welcome\n\n## Strategy\n')
    expect(different.meta.title).toBe('Annual report')
    expect(different.outline.map((entry) => [entry.depth, entry.text])).toEqual([[1, 'Welcome'], [2, 'Strategy']])
    const several = await parse('# One\n\n# Two\n', 'two-parts.md')
    expect(several.meta.title).toBe('Two parts')
    expect(several.outline.map((entry) => entry.text)).toEqual(['One', 'Two'])
  })
})

describe('a Quarto-style author list with affiliations', async () => {
  const { json, html, pdf, docx } = await editions(fixture('front-matter', 'quarto', 'report.md'))
  const names = ['Norah Jones', 'Kofi Mensah', 'Ada Park']

  it('JSON: names, affiliations by name, the date at its precision, the language; valid against the schema', () => {
    expect(json.meta).toMatchObject({
      authors: names,
      affiliations: { 'Norah Jones': ['Carnegie Mellon University'], 'Kofi Mensah': ['University of Ghana', 'Ghana CERT'] },
      date: '2015-12',
      language: 'en-GB',
      description: 'A cyber incident playbook for small water and power utilities.'
    })
    expect(json.meta.abstract).toBe('Small utilities face the same adversaries as large ones with a fraction of the staff. This playbook sets out what they can do first.')
    const schema = JSON.parse(readFileSync(path.join(root, 'schema', 'report.schema.json'), 'utf8')) as object
    const validate = new Ajv({ allErrors: true }).compile(schema)
    expect(validate(json), JSON.stringify(validate.errors)).toBe(true)
  })

  it('web: authors with their affiliations, the abstract, a meta description, the date', () => {
    const credits = toText(select('.credits', html)!)
    expect(credits).toContain('Norah Jones (Carnegie Mellon University), Kofi Mensah (University of Ghana; Ghana CERT), Ada Park')
    expect(credits).toContain('December 2015')
    expect(select('meta[name="description"]', html)?.properties.content).toBe(json.meta.description)
    expect(select('meta[name="author"]', html)?.properties.content).toBe(names.join(', '))
    expect(toText(select('header .abstract', html)!)).toBe(json.meta.abstract)
    expect(select('html', html)?.properties.lang).toBe('en-GB')
  })

  it('the heading that repeats the front matter’s title is not printed twice', () => {
    expect(selectAll('article h2', html).map((node) => toText(node))).toEqual(['Why it matters', 'First steps'])
    expect(occurrences(pdf.pages[0], 'Securing Small Utilities')).toBe(1)
  })

  it('print: the cover credits each author with affiliations and the date; the PDF’s Author is the names', () => {
    const cover = pdf.pages[0]
    expect(cover).toContain('Norah Jones (Carnegie Mellon University) Kofi Mensah (University of Ghana; Ghana CERT) Ada Park')
    expect(cover).toContain('December 2015')
    expect(cover).toContain('This playbook sets out what they can do first.')
    expect(pdf.info.Author).toBe(names.join(', '))
  })

  it('Word: the core properties name the authors; the cover credits them', () => {
    expect(docx.core).toContain(`<dc:creator>${names.join('; ')}</dc:creator>`)
    expect(docx.core).toContain(`<dc:description>${json.meta.description}</dc:description>`)
    // As on the PDF's cover: the label, then a name with its affiliations on each line.
    const paragraphs = docxParagraphs(docx.document)
    const label = paragraphs.indexOf('AUTHORS')
    expect(paragraphs.slice(label + 1, label + 4)).toEqual(['Norah Jones (Carnegie Mellon University)', 'Kofi Mensah (University of Ghana; Ghana CERT)', 'Ada Park'])
  })
})

describe('dates as people write them', () => {
  it.each([
    ['2015-12-16', '2015-12-16'],
    ['2015-12', '2015-12'],
    ['2015', '2015'],
    ['2015-12-16T10:30:00Z', '2015-12-16'],
    ['"2015-12-16 10:30:00 -0500"', '2015-12-16'],
    ['December 2015', '2015-12'],
    ['16 December 2015', '2015-12-16'],
    ['December 16, 2015', '2015-12-16'],
    ['Dec. 2015', '2015-12'],
    ['!!timestamp 2015-12-16', '2015-12-16']
  ])('`date: %s` is %s', async (written, iso) => {
    const { meta, messages } = await parse(`---\ndate: ${written}\n---\n`)
    expect(messages).toEqual([])
    expect(meta.date).toBe(iso)
  })

  it.each([
    ['2024-13-45', 'there is no month 13'],
    ['2015-02-30', 'February 2015 has 28 days'],
    ['2016-02-30', 'February 2016 has 29 days'],
    ['31 April 2015', 'April 2015 has 30 days'],
    ['2015-12-16T25:00', 'there is no time 25:00']
  ])('`date: %s` is an error at its place: %s', async (written, why) => {
    const { meta, messages } = await parse(`---\ndate: ${written}\n---\n`)
    expect(messages).toEqual([`report.md:2:7-2:${7 + written.length}: Impossible date \`${written}\` in front matter: ${why}`])
    expect(meta.date).toBeUndefined()
  })

  it('a date that is not one is an error saying what would be', async () => {
    const { messages } = await parse('---\ndate: today\n---\n')
    expect(messages).toEqual(['report.md:2:7-2:12: Unexpected value for `date` in front matter, expected a date such as `2015-12-16`, `2015-12`, `December 2015` or `16 December 2015`'])
  })
})

describe('keys', () => {
  it('a misspelled key is a warning that names the key meant; other tools’ keys are quiet', () => {
    const result = cli(['build', 'input.md', '--out', tempDir(), '--format', 'json'], { cwd: fixture('front-matter', 'misspelled') })
    expect(result.status).toBe(0)
    expect(result.stderr.split('\n').filter((line) => line.includes('front-matter-key'))).toEqual([
      'input.md:2:1  warning  Unknown front matter key `titel`, did you mean `title`?  front-matter-key',
      'input.md:3:1  warning  Unknown front matter key `authros`, did you mean `authors`?  front-matter-key'
    ])
  })

  it('aliases: `author` and `authors` together, `tags` with `keywords`, `lang` for `language` (both only when they agree)', async () => {
    const both = await parse('---\nauthor: Jenny Jun\nauthors: [Jenny Jun, Scott LaFoy]\nkeywords: [cyber]\ntags: [cyber, sanctions]\nlang: ko\n---\n')
    expect(both.meta).toMatchObject({ authors: ['Jenny Jun', 'Scott LaFoy'], keywords: ['cyber', 'sanctions'], language: 'ko' })
    const conflict = await parse('---\nlang: ko\nlanguage: en\n---\n')
    expect(conflict.messages).toEqual(['report.md:2:7-2:9: Conflicting `lang` and `language` in front matter, expected one of them'])
  })

  it('a wrong value elsewhere in the front matter does not hide an unknown audience; unreadable audiences do', async () => {
    const item = '\n1. :recommendation[Act.]{#act audience="uss"}\n'
    const wrongUrl = await parse(`---\nurl: [not, a, url]\naudiences:\n  - id: us\n    name: United States\n---\n${item}`)
    expect(wrongUrl.messages.filter((message) => message.includes('Unknown audience'))).toEqual(['report.md:8:4-8:46: Unknown audience `uss` on `act`, did you mean `us`?'])
    const unreadable = await parse(`---\naudiences: us\n---\n${item}`)
    expect(unreadable.messages).toEqual(['report.md:2:12-2:14: Unexpected value for `audiences` in front matter, expected a list of `{id, name}` entries'])
  })

  it('an author entry without a name is an error at the entry', async () => {
    const { messages } = await parse('---\nauthor:\n  - affiliation: CSIS\n---\n')
    expect(messages).toEqual(['report.md:3:5-3:22: Unexpected value for `author.0.name` in front matter, expected a name (or `{given, family}`)'])
  })
})
