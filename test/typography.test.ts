import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { VFile } from 'vfile'
import { beforeAll, describe, expect, it } from 'vitest'
// The editor's measuring script: lines read back with their positions, matched to the source's blocks.
import { measure, readPdf, readTextColors, sourceBlocks } from '../scripts/measure-pdf.mjs'
import { build } from '../src/build.js'
import { parseReport } from '../src/pipeline.js'
import { needs, reportSource, root, tempDir } from './helpers.js'

interface Design {
  color: Record<string, string>
  size: Record<string, number>
  leading: Record<string, number>
  measure: { min: number; max: number }
}

const design = JSON.parse(readFileSync(path.join(root, 'templates', 'design.json'), 'utf8')) as Design

async function blocks() {
  const file = new VFile({ path: reportSource, value: readFileSync(reportSource, 'utf8') })
  return sourceBlocks(await parseReport(file))
}

/** The checks every print edition must pass, on the figures `measure` gives. */
function expectPublished(figures: Awaited<ReturnType<typeof measure>>, edition: string) {
  expect(figures.stranded.orphans, `${edition}: a paragraph's first line alone at a page's foot`).toEqual([])
  expect(figures.stranded.widows, `${edition}: a paragraph's last line alone at a page's head`).toEqual([])
  expect(figures.stranded.headings, `${edition}: a heading or standing lead last on its page`).toEqual([])
  expect(figures.stranded.leads, `${edition}: an item's lead parted from its text`).toEqual([])
}

describe('the print edition as a publisher sets it', () => {
  const out = tempDir('dossier-type-')
  let bytes: Buffer
  let figures: Awaited<ReturnType<typeof measure>>

  beforeAll(async () => {
    const result = await build({ source: reportSource, outDir: out, formats: ['pdf'] })
    expect(result.written).toHaveLength(1)
    bytes = readFileSync(path.join(out, 'report.pdf'))
    figures = measure(await readPdf(bytes), await blocks())
  })

  it('sets body text on the design’s leading, measured from the lines’ baselines', () => {
    expect(figures.bodySize).toBe(design.size.body)
    const body = figures.leading.find((entry: { size: number }) => entry.size === design.size.body)!
    expect(body.lines).toBeGreaterThan(200)
    expect(Math.abs(body.leading / (design.leading.body * design.size.body) - 1)).toBeLessThan(0.05)
  })

  it('sets full lines at a reading measure: 95 % of them 55 to 80 characters', () => {
    expect(figures.fullLines.count).toBeGreaterThan(200)
    expect(figures.fullLines.within55to80).toBeGreaterThanOrEqual(0.95)
    expect(figures.fullLines.median).toBeGreaterThanOrEqual(design.measure.min)
    expect(figures.fullLines.median).toBeLessThanOrEqual(design.measure.max)
  })

  it('strands nothing: no heading or lead last on a page, no lone first or last line of a paragraph', () => {
    expectPublished(figures, 'PDF')
    // Sections run on: no page of the body is left nearly empty.
    const pages = figures.linesPerPage.slice(0, -1)
    for (const { page, lines } of pages) expect(lines, `page ${page}`).toBeGreaterThan(20)
  })

  it('colours every heading as the design says', async () => {
    const runs = await readTextColors(bytes)
    const headings = runs.filter((run: { size: number; page: number }) => run.size === design.size.h1 && run.page > 3)
    expect(headings.length).toBeGreaterThan(5)
    expect(new Set(headings.map((run: { color: string }) => run.color))).toEqual(new Set([design.color.heading]))
  })

  it('lists the sections and items in the contents with the pages they start on', async () => {
    const pdf = await readPdf(bytes)
    const contents = pdf.pages.find((page: { lines: Array<{ text: string }> }) => page.lines.some((line) => line.text === 'Contents'))!
    const sections = pdf.outline.filter((entry: { depth: number }) => entry.depth === 1)
    expect(sections).toHaveLength(5)
    for (const section of sections) {
      const line = contents.lines.find((candidate: { text: string }) => candidate.text.startsWith(section.title))
      expect(line, section.title).toBeTruthy()
      // Title, a leader of dots, and the page number on the same baseline.
      expect(line.text).toMatch(new RegExp(`(\\. ?){5,}\\s*${section.page}$`))
    }
    // Items under their sections: the last recommendation, on its page.
    const last = contents.lines.find((candidate: { text: string }) => /platform for their further adoption regionally and globally/.test(candidate.text))
    expect(last?.text).toMatch(/\d+$/)
    // Bookmarks land on the heading's top left, not the page's corner.
    for (const section of sections) expect(section.left).toBeLessThan(200)
  })
})

/** LibreOffice, when installed, opens the Word edition and prints it: the same checks apply to its pages. */
describe.skipIf(!needs('libreoffice'))('the Word edition as LibreOffice sets it (needs soffice)', () => {
  it('strands nothing and colours headings as the design says', async () => {
    const out = tempDir('dossier-type-docx-')
    const result = await build({ source: reportSource, outDir: out, formats: ['docx'] })
    expect(result.written).toHaveLength(1)
    const converted = spawnSync('soffice', ['--headless', '--convert-to', 'pdf', '--outdir', out, path.join(out, 'report.docx')], { encoding: 'utf8', timeout: 120_000 })
    expect(converted.status, converted.stderr).toBe(0)
    const bytes = readFileSync(path.join(out, 'report.pdf'))
    const pdf = await readPdf(bytes)
    const figures = measure(pdf, await blocks())
    expectPublished(figures, 'DOCX')
    // The contents' page numbers, written into the file by dossier, are where LibreOffice sets each section.
    const contents = pdf.pages.find((page: { lines: Array<{ text: string }> }) => page.lines.some((line) => line.text === 'Contents'))!
    const sections = pdf.outline.filter((entry: { depth: number }) => entry.depth === 1)
    expect(sections).toHaveLength(5)
    for (const section of sections) {
      const line = contents.lines.find((candidate: { text: string }) => candidate.text.startsWith(section.title))
      expect(line?.text, section.title).toMatch(new RegExp(`\\.{5,}\\s*${section.page}$`))
    }
    const body = figures.leading.find((entry: { size: number }) => entry.size === design.size.body)!
    expect(Math.abs(body.leading / (design.leading.body * design.size.body) - 1)).toBeLessThan(0.05)
    const runs = await readTextColors(bytes)
    const headings = runs.filter((run: { size: number; page: number }) => run.size === design.size.h1 && run.page > 3)
    expect(new Set(headings.map((run: { color: string }) => run.color))).toEqual(new Set([design.color.heading]))
  })
})
