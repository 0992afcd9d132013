import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { build } from '../src/build.js'
import type { ReportData } from '../src/types.js'
import { cli, root, tempDir } from './helpers.js'

describe('dossier init', () => {
  it('writes a report that builds every edition and its memo with no warning', async () => {
    const dir = tempDir()
    const init = cli(['init', dir])
    expect(init.status, init.stderr).toBe(0)
    const source = path.join(dir, 'source', 'report.md')
    const out = path.join(dir, 'out')
    const result = await build({ source, outDir: out })
    expect(result.file.messages.map(String)).toEqual([])
    expect(result.written.map((file) => path.relative(out, file)).sort()).toEqual(
      ['report.docx', 'report.html', 'report.json', 'report.pdf', ...['docx', 'html', 'pdf'].map((format) => `memos/report.government.${format}`)].sort()
    )
    // One of each kind of item, a figure, a table and a footnote, cross-referenced.
    const data = JSON.parse(readFileSync(path.join(out, 'report.json'), 'utf8')) as ReportData
    expect([data.findings.length > 0, data.objectives.length > 0, data.recommendations.length > 0]).toEqual([true, true, true])
    expect([data.figures.length, data.tables.length]).toEqual([1, 1])
    const html = readFileSync(path.join(out, 'report.html'), 'utf8')
    expect(html).toContain('<a href="#fig-incidents">Figure 1</a>')
    expect(html).toMatch(/data-footnote-ref/)
    // The figure's SVG sets its words in the print edition's faces, as text a
    // reader can select (each year is in the table and under a bar), and the
    // command line says nothing on stderr about them.
    const printed = cli(['build', source, '--out', out, '--format', 'pdf'])
    expect(printed.stderr).toBe('')
    const { PDFParse } = await import('pdf-parse')
    const pdf = await new PDFParse({ data: readFileSync(path.join(out, 'report.pdf')) }).getText()
    for (const year of ['2022', '2023', '2024']) expect(pdf.text.split(year).length - 1, year).toBe(2)
  }, 120_000)

  it('writes nothing over an existing report', () => {
    const dir = tempDir()
    expect(cli(['init', dir]).status).toBe(0)
    const source = path.join(dir, 'source', 'report.md')
    writeFileSync(source, '# Mine\n')
    const again = cli(['init', dir])
    expect(again.status).toBe(1)
    expect(again.stderr).toMatch(/already exist.*nothing written/)
    expect(readFileSync(source, 'utf8')).toBe('# Mine\n')
  })
})

describe('dossier templates eject', () => {
  it('copies the templates to change, and --templates uses the copy', async () => {
    const dir = path.join(tempDir(), 'my-templates')
    const eject = cli(['templates', 'eject', dir])
    expect(eject.status, eject.stderr).toBe(0)
    const files = (folder: string): string[] => readdirSync(folder, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile()).map((entry) => path.relative(folder, path.join(entry.parentPath, entry.name))).sort()
    expect(files(dir)).toEqual(files(path.join(root, 'templates')))
    writeFileSync(path.join(dir, 'labels.json'), readFileSync(path.join(dir, 'labels.json'), 'utf8').replace('"Figure"', '"Chart"'))
    const out = tempDir()
    const result = await build({ source: path.join(root, 'test', 'fixtures', 'cross-references', 'input.md'), outDir: out, formats: ['json'], templatesDir: dir })
    expect(result.written).toHaveLength(1)
    const data = JSON.parse(readFileSync(path.join(out, 'input.json'), 'utf8')) as ReportData
    expect(data.figures.map((figure) => figure.label)).toEqual(['Chart 1', 'Chart 2'])
    expect(cli(['templates', 'eject', dir]).status).toBe(1)
  })
})
