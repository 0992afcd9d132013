import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { PDFParse } from 'pdf-parse'
import { chromium, type Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { build } from '../src/build.js'
import { chromiumPath, fixture, needs, reportSource, root, tempDir } from './helpers.js'

// Debian's Chromium (.ci/run installs it), headless, with nothing that
// phones home: any request the page makes is its own.
const args = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run']

describe.skipIf(!needs('chromium'))('the HTML editions in a browser', () => {
  const out = tempDir()
  let browser: Browser

  beforeAll(async () => {
    const result = await build({ source: reportSource, outDir: out, formats: ['html', 'memo'] })
    expect(result.file.messages.filter((m) => m.fatal).map(String)).toEqual([])
    browser = await chromium.launch({ executablePath: chromiumPath, args })
  })
  afterAll(() => browser?.close())

  it('the web edition requests nothing from anywhere and sets its own faces', async () => {
    const page = await browser.newPage()
    const requests: string[] = []
    page.on('request', (request) => {
      if (!/^(file|data):/.test(request.url())) requests.push(request.url())
    })
    await page.goto(pathToFileURL(path.join(out, 'report.html')).href)
    await page.evaluate(() => document.fonts.ready)
    expect(requests).toEqual([])
    expect(await page.evaluate(() => document.fonts.check('16px "Source Serif 4"') && [...document.fonts].some((face) => face.status === 'loaded'))).toBe(true)
    await page.close()
  })

  it('a page with images shows them from itself, requesting no file and no host', async () => {
    const images = tempDir()
    const result = await build({ source: fixture('images', 'input.md'), outDir: images, formats: ['html'] })
    expect(result.written).toHaveLength(1)
    const href = pathToFileURL(path.join(images, 'input.html')).href
    const page = await browser.newPage()
    const requests: string[] = []
    page.on('request', (request) => {
      if (!request.url().startsWith('data:') && request.url() !== href) requests.push(request.url())
    })
    await page.goto(href)
    expect(requests).toEqual([])
    const sizes = await page.evaluate(() => [...document.images].map((image) => image.complete && image.naturalWidth))
    expect(sizes).toEqual([64, 34, 64, 64])
    await page.close()
  })

  it('a link to an item’s id lands on that item', async () => {
    const page = await browser.newPage()
    await page.goto(`${pathToFileURL(path.join(out, 'report.html')).href}#information-sharing`)
    const target = await page.evaluate(() => document.querySelector(':target')?.querySelector('.lead')?.textContent)
    expect(target).toBe('Encourage greater information sharing arrangements beyond intelligence and government agencies.')
    await page.close()
  })

  it('fits a phone: no horizontal scroll at 390 px', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } })
    await page.goto(pathToFileURL(path.join(out, 'report.html')).href)
    await page.evaluate(() => document.fonts.ready)
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390)
    await page.close()
  })

  it('keeps the contents at hand on a wide screen: a sticky sidebar beside the column, headings in the design’s colour', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
    await page.goto(pathToFileURL(path.join(out, 'report.html')).href)
    await page.evaluate(() => document.fonts.ready)
    await page.evaluate(() => window.scrollTo(0, 3000))
    const layout = await page.evaluate(() => {
      const nav = document.querySelector('nav.toc')!.getBoundingClientRect()
      const main = document.querySelector('main')!.getBoundingClientRect()
      const paragraph = document.querySelector('main p')!.getBoundingClientRect()
      return { navTop: nav.top, navRight: nav.right, mainLeft: main.left, column: paragraph.width, scroll: document.documentElement.scrollWidth, heading: getComputedStyle(document.querySelector('main h2')!).color }
    })
    // Scrolled far down, the contents are still in view, left of the text.
    expect(layout.navTop).toBeGreaterThanOrEqual(0)
    expect(layout.navTop).toBeLessThan(100)
    expect(layout.navRight).toBeLessThan(layout.mainLeft)
    // A reading measure, not the window's width.
    expect(layout.column).toBeLessThan(640)
    expect(layout.scroll).toBeLessThanOrEqual(1280)
    const design = JSON.parse(readFileSync(path.join(root, 'templates', 'design.json'), 'utf8')) as { color: { heading: string } }
    const [r, g, b] = [1, 3, 5].map((at) => parseInt(design.color.heading.slice(at, at + 2), 16))
    expect(layout.heading).toBe(`rgb(${r}, ${g}, ${b})`)
    await page.close()
  })

  it('printed from the browser, has folios and a running head, and the report’s address once', async () => {
    const page = await browser.newPage()
    await page.goto(pathToFileURL(path.join(out, 'report.html')).href)
    await page.evaluate(() => document.fonts.ready)
    const parser = new PDFParse({ data: new Uint8Array(await page.pdf({ preferCSSPageSize: true })) })
    const text = await parser.getText()
    await parser.destroy()
    const fourth = text.pages[3].text
    expect(fourth).toMatch(/^North Korea’s Cyber Operations/)
    expect(fourth.split('\n')).toContain('4')
    expect(text.pages.map((one) => one.text).join('\n').match(/csis\.org\/analysis\/north-koreas-cyber-operations/g)).toHaveLength(1)
    await page.close()
  })

  it('each HTML memo prints on exactly one page', async () => {
    const memos = readdirSync(path.join(out, 'memos')).filter((name) => name.endsWith('.html'))
    expect(memos.length).toBeGreaterThanOrEqual(3)
    for (const memo of memos) {
      const page = await browser.newPage()
      await page.goto(pathToFileURL(path.join(out, 'memos', memo)).href)
      await page.evaluate(() => document.fonts.ready)
      const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true })
      const parser = new PDFParse({ data: new Uint8Array(pdf) })
      const info = await parser.getInfo()
      await parser.destroy()
      expect(info.total, memo).toBe(1)
      await page.close()
    }
  })

  it('each HTML memo reads on a 390 px phone without scrolling sideways', async () => {
    const memos = readdirSync(path.join(out, 'memos')).filter((name) => name.endsWith('.html'))
    for (const memo of memos) {
      const page = await browser.newPage({ viewport: { width: 390, height: 844 } })
      await page.goto(pathToFileURL(path.join(out, 'memos', memo)).href)
      await page.evaluate(() => document.fonts.ready)
      const { scrollWidth, clientWidth, textWidth } = await page.evaluate(() => ({
        scrollWidth: document.documentElement.scrollWidth,
        clientWidth: document.documentElement.clientWidth,
        textWidth: document.querySelector('ol.items li')!.getBoundingClientRect().width
      }))
      expect(scrollWidth, memo).toBeLessThanOrEqual(clientWidth)
      // The text fills the screen rather than a column of a page scaled down.
      expect(textWidth, memo).toBeGreaterThan(300)
      await page.close()
    }
  })

  it('a memo’s reference to a recommendation opens it in the web edition', async () => {
    const page = await browser.newPage()
    await page.goto(pathToFileURL(path.join(out, 'memos', 'report.alliance.html')).href)
    await page.click('#interoperability a.reference')
    await page.waitForURL(/report\.html#interoperability$/)
    const target = await page.evaluate(() => document.querySelector(':target')?.querySelector('.lead')?.textContent)
    expect(target).toBe('Vulnerabilities in interoperability arising from the current hub-and-spokes alliance structure should be actively mitigated.')
    await page.close()
  })
})
