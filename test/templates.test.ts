import { cpSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { docxTemplateDefaults } from '../src/render/docx/styles.js'
import { pdfTemplateDefaults } from '../src/render/pdf/template.js'
import { cli, fixture, root, tempDir } from './helpers.js'

/** A copy of dossier's templates folder, to change. */
function templatesCopy(): string {
  const dir = tempDir('dossier-templates-')
  cpSync(path.join(root, 'templates'), dir, { recursive: true })
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

/** Build with one template of a copy replaced by `text`: it fails (exit 1, no stack trace). */
function failing(relativePath: string, text: string): { file: string; stderr: string } {
  const dir = templatesCopy()
  const file = path.join(dir, relativePath)
  writeFileSync(file, text)
  // The template's own format: `pdf/template.json` is the PDF's.
  const result = build(dir, relativePath.split('/')[0])
  expect(result.status).toBe(1)
  expect(result.stderr).not.toMatch(/\n\s+at .+:\d+:\d+\)?$/m)
  return { file, stderr: result.stderr }
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

describe('templates as data', () => {
  it('ship exactly the defaults in code', () => {
    expect(withoutComments(readJson(path.join(root, 'templates', 'pdf', 'template.json')))).toEqual(pdfTemplateDefaults)
    expect(withoutComments(readJson(path.join(root, 'templates', 'docx', 'styles.json')))).toEqual(docxTemplateDefaults)
  })

  it('a template holding only what it changes builds', () => {
    const dir = templatesCopy()
    const pdf = readJson(path.join(dir, 'pdf', 'template.json'))
    delete pdf.footnotes
    writeFileSync(path.join(dir, 'pdf', 'template.json'), JSON.stringify(pdf))
    writeFileSync(path.join(dir, 'docx', 'styles.json'), JSON.stringify({ paragraphStyles: { Quote: { spacing: { line: 1.1 } } }, colors: { note: '333333' } }))
    const result = build(dir)
    expect(result.stderr).not.toMatch(/error/)
    expect(result.status).toBe(0)
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

  it('broken JSON fails at its line and column', () => {
    const { file, stderr } = failing('pdf/template.json', '{\n  "page": { "paper": "a4" }\n  "fonts": {}\n}\n')
    expect(stderr).toContain(`${file}:3:3  error  Cannot read the template as JSON: Expected ',' or '}' after property value  pdf-template-syntax`)
  })
})
