import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import type { AxeResults } from 'axe-core'
import { strFromU8, unzipSync } from 'fflate'
import { chromium, type Browser, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { build } from '../src/build.js'
import { chromiumPath, cli, fixture, needs, reportSource, tempDir } from './helpers.js'

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')

/**
 * The WCAG 2.2 A and AA rules axe-core has, and its best practices, which
 * hold the landmark and heading-order rules the issue names.
 */
const wcagAA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']

/** axe-core's violations on the page at `url`, each as `rule: first failing element`. */
async function violations(page: Page, url: string): Promise<string[]> {
  await page.goto(url)
  await page.addScriptTag({ content: axeSource })
  const results = await page.evaluate((tags) => (window as unknown as { axe: { run(context: Document, options: object): Promise<AxeResults> } }).axe.run(document, { runOnly: { type: 'tag', values: tags } }), wcagAA)
  return results.violations.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`)
}

/** A .docx's XML parts by path. */
function parts(file: string): Record<string, string> {
  return Object.fromEntries(
    Object.entries(unzipSync(new Uint8Array(readFileSync(file))))
      .filter(([name]) => /\.xml$/.test(name))
      .map(([name, data]) => [name, strFromU8(data)])
  )
}

describe('the editions for readers with screen readers', () => {
  const out = tempDir('dossier-a11y-')
  const fixtureOut = path.join(out, 'fixture')

  beforeAll(async () => {
    const report = await build({ source: reportSource, outDir: out, formats: ['html', 'docx', 'memo'] })
    expect(report.file.messages.map(String)).toEqual([])
    const tagged = await build({ source: fixture('tagged', 'report.md'), outDir: fixtureOut, formats: ['html', 'docx'] })
    expect(tagged.file.messages.map(String)).toEqual([])
  })

  describe.skipIf(!needs('chromium'))('in a browser', () => {
    let browser: Browser
    beforeAll(async () => {
      browser = await chromium.launch({ executablePath: chromiumPath, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'] })
    })
    afterAll(() => browser?.close())

    const page = (options: Parameters<Browser['newPage']>[0] = {}) => browser.newPage(options)
    const url = (...parts: string[]) => pathToFileURL(path.join(...parts)).href

    it('axe-core finds nothing against WCAG 2.2 AA in the web edition, light and dark, wide and narrow', async () => {
      for (const options of [{ viewport: { width: 1280, height: 900 } }, { viewport: { width: 1280, height: 900 }, colorScheme: 'dark' as const }, { viewport: { width: 390, height: 844 } }]) {
        const tab = await page(options)
        expect(await violations(tab, url(out, 'report.html')), JSON.stringify(options)).toEqual([])
        await tab.close()
      }
      // Tables, figures, notes, Korean.
      const tab = await page()
      expect(await violations(tab, url(fixtureOut, 'report.html'))).toEqual([])
      await tab.close()
    })

    it('axe-core finds nothing against WCAG 2.2 AA in each HTML memo', async () => {
      const tab = await page()
      for (const memo of ['us', 'alliance', 'defenders']) expect(await violations(tab, url(out, 'memos', `report.${memo}.html`)), memo).toEqual([])
      await tab.close()
    })

    it('opens with a skip link to the report, shown legibly with a visible focus when tabbed to, light and dark', async () => {
      for (const colorScheme of ['light', 'dark'] as const) {
        const tab = await page({ colorScheme })
        await tab.goto(url(out, 'report.html'))
        await tab.keyboard.press('Tab')
        const focused = await tab.evaluate(() => {
          const element = document.activeElement as HTMLAnchorElement
          const box = element.getBoundingClientRect()
          const target = document.getElementById(element.hash.slice(1))
          return { text: element.textContent, target: target?.tagName, visible: box.top >= 0 && box.bottom <= innerHeight && box.width > 0, outline: getComputedStyle(element).outlineStyle }
        })
        expect(focused, colorScheme).toEqual({ text: 'Skip to the report', target: 'MAIN', visible: true, outline: 'solid' })
        // Shown, it is checked for contrast like the rest of the page.
        await tab.addScriptTag({ content: axeSource })
        const contrast = await tab.evaluate(() => (window as unknown as { axe: { run(context: string, options: object): Promise<AxeResults> } }).axe.run('.skip-link', { runOnly: ['color-contrast'] }))
        expect(contrast.violations.map((violation) => violation.id), colorScheme).toEqual([])
        expect(contrast.passes.map((rule) => rule.id), colorScheme).toEqual(['color-contrast'])
        await tab.close()
      }
    })

    it('names the contents, gives tables header cells and captions, figures alt text and captions', async () => {
      const tab = await page()
      await tab.goto(url(fixtureOut, 'report.html'))
      const found = await tab.evaluate(() => ({
        // Every navigation landmark has a name: the other editions' and the contents'.
        navigation: [...document.querySelectorAll('nav')].map((nav) => nav.getAttribute('aria-label') ?? document.getElementById(nav.getAttribute('aria-labelledby') ?? '')?.textContent),
        headers: [...document.querySelectorAll('table thead th')].map((cell) => cell.textContent),
        captions: [...document.querySelectorAll('table caption, figure figcaption')].map((caption) => caption.textContent),
        alts: [...document.querySelectorAll('img')].map((image) => image.alt)
      }))
      expect(found).toEqual({
        navigation: ['Other editions', 'Contents'],
        headers: ['Year', 'Incident', 'Attribution'],
        captions: ['Table 1. Incidents and their attribution', 'Figure 1. A bar chart of incidents by year'],
        alts: ['A bar chart of incidents by year']
      })
      await tab.close()
    })
  })

  describe('the Word editions', () => {
    it('set headings in heading styles with outline levels, and the language, with Korean runs marked', () => {
      const { 'word/document.xml': document, 'word/styles.xml': styles } = parts(path.join(fixtureOut, 'report.docx'))
      for (const [level, id] of ['Heading1', 'Heading2'].entries()) {
        expect(styles).toMatch(new RegExp(`<w:style [^>]*w:styleId="${id}"[^>]*>(?:(?!</w:style>)[\\s\\S])*<w:outlineLvl w:val="${level}"/>`))
        expect(document).toContain(`<w:pStyle w:val="${id}"/>`)
      }
      expect(styles).toMatch(/<w:docDefaults>[\s\S]*<w:lang w:val="en"/)
      expect(document).toMatch(/<w:lang w:eastAsia="ko-KR"\/>(?:(?!<\/w:r>)[\s\S])*통일부/)
    })

    it('give every image alt text, and every table a repeating header row and a title (its caption)', () => {
      const { 'word/document.xml': document } = parts(path.join(fixtureOut, 'report.docx'))
      expect([...document.matchAll(/<wp:docPr [^>]*descr="([^"]*)"/g)].map((match) => match[1])).toEqual(['A bar chart of incidents by year'])
      const tables = [...document.matchAll(/<w:tbl>[\s\S]*?<\/w:tbl>/g)].map(([table]) => table)
      expect(tables).toHaveLength(1)
      expect(tables[0]).toContain('<w:tblCaption w:val="Table 1. Incidents and their attribution"/>')
      expect(tables[0]).toMatch(/^<w:tbl>(?:(?!<\/w:tr>)[\s\S])*<w:trPr>(?:(?!<\/w:trPr>)[\s\S])*<w:tblHeader\/>/)
    })

    it('say what links are by more than colour: they are underlined', () => {
      const { 'word/styles.xml': styles } = parts(path.join(out, 'report.docx'))
      expect(styles).toMatch(/<w:style [^>]*w:styleId="Hyperlink"[^>]*>(?:(?!<\/w:style>)[\s\S])*<w:u w:val="single"\/>/)
    })

    it('give each memo its language and its title and section headings outline levels', () => {
      for (const memo of ['us', 'alliance', 'defenders']) {
        const { 'word/document.xml': document, 'word/styles.xml': styles, 'docProps/core.xml': core } = parts(path.join(out, 'memos', `report.${memo}.docx`))
        const levels = [...document.matchAll(/<w:outlineLvl w:val="(\d)"\/>/g)].map((match) => Number(match[1]))
        expect(levels[0], memo).toBe(0)
        expect(levels.slice(1).every((level) => level === 1) && levels.length >= 3, memo).toBe(true)
        expect(styles, memo).toContain('<w:lang w:val="en"/>')
        expect(core, memo).toContain('<dc:language>en</dc:language>')
      }
    })
  })

  describe('dossier check', () => {
    it('warns of an image without alt text, a table without header, a skipped heading level and a vague link', () => {
      const result = cli(['build', 'report.md', '--out', tempDir(), '--format', 'html'], { cwd: fixture('a11y-warnings') })
      expect(result.status).toBe(0)
      const warnings = result.stderr.split('\n').filter((line) => line.includes('  warning  '))
      expect(warnings.map((line) => line.replace(/ {2}warning {2}.*\s(\S+)$/, ' $1'))).toEqual([
        'report.md:7:28 image-alt-missing',
        'report.md:9:1 table-header-missing',
        'report.md:13:1 heading-level-skipped',
        'report.md:15:22 link-text-vague',
        'report.md:15:65 link-text-vague',
        'report.md:20:1 table-header-missing'
      ])
      expect(warnings[2]).toContain('Unexpected heading “A heading two levels down” (`###`) 2 levels below the heading “A section” (`#`)')
      expect(warnings[3]).toContain('Unexpected link text “here”, expected words that say where it leads')
    })

    it('finds nothing to warn of in the first report', () => {
      const result = cli(['check'])
      expect(result.status).toBe(0)
      expect(result.stderr).not.toContain('warning')
    })
  })
})
