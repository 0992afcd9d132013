import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { strFromU8, unzipSync } from 'fflate'
import { PDFParse } from 'pdf-parse'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { designDefaults } from '../src/design.js'
import { docxTemplateDefaults } from '../src/render/docx/styles.js'
import { pdfTemplateDefaults } from '../src/render/pdf/template.js'
import { cli, fixture, root, tempDir } from './helpers.js'

/** A templates folder holding only `files` (relative path → text). */
function templatesWith(files: Record<string, string>, dir = tempDir('dossier-templates-')): string {
  for (const [relativePath, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, relativePath)), { recursive: true })
    writeFileSync(path.join(dir, relativePath), text)
  }
  return dir
}

function readJson(file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>
}

/** The template without its `$` comments. */
function withoutComments(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutComments)
  if (typeof value !== 'object' || value === null) return value
  return Object.fromEntries(Object.entries(value).filter(([key]) => !key.startsWith('$')).map(([key, item]) => [key, withoutComments(item)]))
}

const source = fixture('pdf-footnotes', 'report.md')
const build = (templates: string, formats = 'pdf,docx') => cli(['build', source, '--out', tempDir(), '--format', formats, '--templates', templates])

/** Build with a templates folder holding only `text` at `relativePath`: it fails (exit 1, no stack trace). */
function failing(relativePath: string, text: string): { file: string; stderr: string } {
  const dir = templatesWith({ [relativePath]: text })
  // The template's own format: `pdf/template.json` is the PDF's.
  const result = build(dir, relativePath.split('/')[0])
  expect(result.status).toBe(1)
  expect(result.stderr).not.toMatch(/\n\s+at .+:\d+:\d+\)?$/m)
  return { file: path.join(dir, relativePath), stderr: result.stderr }
}

/** The text of a PDF. */
async function pdfText(file: string): Promise<string> {
  const parser = new PDFParse({ data: new Uint8Array(readFileSync(file)) })
  try {
    return (await parser.getText()).text
  } finally {
    await parser.destroy()
  }
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

describe('templates as data', () => {
  it('ship exactly the defaults in code', () => {
    expect(withoutComments(readJson(path.join(root, 'templates', 'pdf', 'template.json')))).toEqual(pdfTemplateDefaults)
    expect(withoutComments(readJson(path.join(root, 'templates', 'docx', 'styles.json')))).toEqual(docxTemplateDefaults)
    expect(withoutComments(readJson(path.join(root, 'templates', 'design.json')))).toEqual(designDefaults)
  })

  it('a template holding only what it changes builds', () => {
    const dir = templatesWith({
      'pdf/template.json': JSON.stringify({ page: { paper: 'a4' } }),
      'docx/styles.json': JSON.stringify({ paragraphStyles: { Quote: { spacing: { line: 1.1 } } }, colors: { note: '333333' } })
    })
    const out = tempDir()
    const result = cli(['build', source, '--out', out, '--format', 'pdf,docx', '--templates', dir])
    expect(result.stderr).not.toMatch(/error/)
    expect(result.status).toBe(0)
    expect(readFileSync(path.join(out, 'report.pdf')).toString('latin1')).toMatch(/\/MediaBox \[0 0 595.28 841.89\]/)
  })

  it('a folder holding one file takes effect, and every other file comes from dossier’s own', () => {
    const style = readFileSync(path.join(root, 'templates', 'html', 'style.css'), 'utf8')
    const dir = templatesWith({ 'html/style.css': `${style}\n.staff-override { color: #123456; }\n` })
    const out = tempDir()
    // Every format, memos included, with their templates from dossier's own folder.
    const result = cli(['build', fixture('second-report', 'report.md'), '--out', out, '--templates', dir])
    expect(result.status, result.stderr).toBe(0)
    expect(result.stderr).toBe('')
    expect(readFileSync(path.join(out, 'report.html'), 'utf8')).toContain('.staff-override { color: #123456; }')
    expect(readdirSync(out).sort()).toEqual(['memos', 'report.docx', 'report.html', 'report.json', 'report.pdf'])
    expect(readdirSync(path.join(out, 'memos')).sort()).toEqual(['report.brief.docx', 'report.brief.html', 'report.brief.pdf'])
  })

  it('layers stack: --templates over a templates/ folder beside the source over dossier’s own, JSON key by key', async () => {
    const project = tempDir()
    cpSync(source, path.join(project, 'report.md'))
    templatesWith({ 'html/style.css': 'body { color: #010101; }', 'pdf/template.json': JSON.stringify({ page: { paper: 'a4' } }) }, path.join(project, 'templates'))
    const dir = templatesWith({ 'html/style.css': 'body { color: #020202; }', 'pdf/template.json': JSON.stringify({ labels: { contents: 'Table of Contents' } }) })
    const out = tempDir()
    const result = cli(['build', path.join(project, 'report.md'), '--out', out, '--format', 'html,pdf', '--templates', dir])
    expect(result.status, result.stderr).toBe(0)
    const html = readFileSync(path.join(out, 'report.html'), 'utf8')
    expect(html).toContain('body { color: #020202; }')
    expect(html).not.toContain('#010101')
    // The PDF has the paper of the folder beside the source and the label of --templates.
    expect(readFileSync(path.join(out, 'report.pdf')).toString('latin1')).toMatch(/\/MediaBox \[0 0 595.28 841.89\]/)
    expect(await pdfText(path.join(out, 'report.pdf'))).toContain('Table of Contents')
  })

  it('a --templates folder that does not exist is a wrong command line', () => {
    const result = cli(['build', source, '--templates', path.join(tempDir(), 'no-such-folder')])
    expect(result.status).toBe(2)
    expect(result.stderr).toMatch(/no folder `.*no-such-folder`, expected a folder of templates/)
  })

  it('a value of the wrong kind fails, naming the template, its line and the key', () => {
    const { file, stderr } = failing('pdf/template.json', '{\n  "footnotes": {\n    "space": "12"\n  },\n  "list": { "numbering": ["decimal", "greek"] }\n}\n')
    expect(stderr).toContain(`${file}:3:5  error  Unexpected string \`"12"\` at \`footnotes.space\`, expected a number  pdf-template-field`)
    expect(stderr).toContain(`${file}:5:38  error  Unexpected string \`"greek"\` at \`list.numbering[1]\`, expected one of \`decimal\`, \`lower-alpha\``)
  })

  it('an unknown key fails, naming the template and the key', () => {
    const { file, stderr } = failing('docx/styles.json', JSON.stringify({ paragraphStyles: { Heading1: { fontSize: 20 } } }, null, 2))
    expect(stderr).toMatch(new RegExp(`${escape(file)}:4:7  error  Unexpected key \`fontSize\` in \`paragraphStyles.Heading1\`, expected one of .*\`size\`.*  docx-template-field`))
  })

  it('a mistake in the house design is one message, however many editions read it', () => {
    const dir = templatesWith({ 'design.json': '{\n  "color": { "heading": 12 }\n}\n' })
    // Every format: the web, print, Word and memo editions all take the design.
    const result = cli(['build', fixture('second-report', 'report.md'), '--out', tempDir(), '--templates', dir])
    expect(result.status).toBe(1)
    const errors = result.stderr.split('\n').filter((line) => /\berror\b/.test(line) && line.includes('design.json'))
    expect(errors).toEqual([`${path.join(dir, 'design.json')}:2:14  error  Unexpected number \`12\` at \`color.heading\`, expected a string  design-template-field`])
  })

  it('a mistake in fonts.json is one message at its place, not a failure of every edition', () => {
    const broken = templatesWith({ 'fonts.json': '{\n  "Source Serif 4": { "package": "x", }\n}\n' })
    const result = cli(['build', fixture('second-report', 'report.md'), '--out', tempDir(), '--templates', broken])
    expect(result.status).toBe(1)
    expect(result.stderr.split('\n').filter((line) => /\berror  /.test(line))).toEqual([
      `${path.join(broken, 'fonts.json')}:2:39  error  Cannot read the template as JSON: Expected double-quoted property name  fonts-template-syntax`
    ])
    const wrong = templatesWith({ 'fonts.json': '{\n  "Mine": { "package": "x", "language": "en" }\n}\n' })
    const checked = cli(['check', fixture('second-report', 'report.md'), '--templates', wrong])
    expect(checked.stderr).toContain(`${path.join(wrong, 'fonts.json')}:2:29  error  Unexpected string \`"en"\` at \`Mine.language\`, expected one of \`ja\`, \`ko\`, \`zh-Hans\`, \`zh-Hant\`  fonts-template-field`)
    // A family here replaces dossier's whole: one that names only its web files is one message, not a failure of every edition.
    const partial = templatesWith({ 'fonts.json': '{\n  "Source Serif 4": { "web": { "normal": "x.woff2" } }\n}\n' })
    const built = cli(['build', fixture('second-report', 'report.md'), '--out', tempDir(), '--templates', partial])
    expect(built.status).toBe(1)
    expect(built.stderr.split('\n').filter((line) => /\berror  /.test(line))).toEqual([
      `${path.join(partial, 'fonts.json')}:2:3  error  Missing \`package\`, \`normal\`, \`bold\`, \`italics\`, \`bolditalics\` in the family \`Source Serif 4\`, expected its package and four faces: a family here replaces dossier's whole  fonts-template-field`
    ])
  })

  it('one labels.json puts the words every edition prints around the report in the report’s language', async () => {
    const words = { contents: '目次', authors: '著者', advisers: '顧問', published: '発行', notes: '注', otherEditions: 'ほかの版' }
    const dir = templatesWith({ 'labels.json': JSON.stringify(words) })
    const out = tempDir()
    const result = cli(['build', fixture('second-report', 'report.md'), '--out', out, '--format', 'html,pdf,docx', '--templates', dir])
    expect(result.status, result.stderr).toBe(0)
    const html = readFileSync(path.join(out, 'report.html'), 'utf8')
    for (const word of ['<h2 id="toc-title">目次</h2>', '<dt>著者</dt>', '<dt>発行</dt>', 'aria-label="ほかの版"']) expect(html).toContain(word)
    expect(html).not.toMatch(/>Contents<|>Authors<|>Published</)
    const pdf = await pdfText(path.join(out, 'report.pdf'))
    expect(pdf).toContain('目次')
    expect(pdf).toContain('著者')
    expect(pdf).not.toMatch(/Contents|AUTHORS/i)
    const docx = strFromU8(unzipSync(new Uint8Array(readFileSync(path.join(out, 'report.docx'))))['word/document.xml'])
    expect(docx).toContain('目次')
    expect(docx).toContain('著者')
    expect(docx).not.toMatch(/>Contents<|>Authors</i)
  })

  it('broken JSON fails at its line and column', () => {
    const { file, stderr } = failing('pdf/template.json', '{\n  "page": { "paper": "a4" }\n  "fonts": {}\n}\n')
    expect(stderr).toContain(`${file}:3:3  error  Cannot read the template as JSON: Expected ',' or '}' after property value  pdf-template-syntax`)
  })
})
