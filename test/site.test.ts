import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import type { Root as HastRoot } from 'hast'
import { select, selectAll } from 'hast-util-select'
import { toText } from 'hast-util-to-text'
import { chromium, type Browser, type Page } from 'playwright-core'
import rehypeParse from 'rehype-parse'
import { unified } from 'unified'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildSite } from '../src/site.js'
import { chromiumPath, cli, fixture, needs, reportSource, tempDir } from './helpers.js'

/** Every file under a folder, by its path relative to it, with `/`. */
function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
    .sort()
}

function parse(file: string): HastRoot {
  return unified().use(rehypeParse).parse(readFileSync(file, 'utf8')) as HastRoot
}

/** A size as the index should print it: SI units, as browsers show downloads. */
function expectedSize(bytes: number): string {
  return bytes < 1000 ? `${bytes} bytes` : bytes < 1_000_000 ? `${Math.round(bytes / 1000)} kB` : `${(bytes / 1_000_000).toFixed(1)} MB`
}

/** The index's rows: link, format, size and date, as a reader sees them. */
function indexRows(out: string) {
  return selectAll('table.files tbody tr', parse(path.join(out, 'index.html'))).map((row) => {
    const cells = selectAll('td', row).map((cell) => toText(cell).trim())
    return { href: String(select('a', row)?.properties.href), title: cells[0], format: cells[1], size: cells[2], date: cells[3] }
  })
}

/** A site with two reports: the first report, and a later one made from it. */
function reportsFolder(): string {
  const dir = path.join(tempDir(), 'reports')
  mkdirSync(dir)
  const text = readFileSync(reportSource, 'utf8')
  writeFileSync(path.join(dir, 'cyber.md'), text)
  writeFileSync(path.join(dir, 'sequel.md'), text.replace(/^title: .*$/m, 'title: Cyber Operations Revisited').replace(/^date: .*$/m, 'date: 2016-03'))
  writeFileSync(path.join(dir, 'README.md'), 'Not a report: the folder’s own notes.\n')
  // The first report's memos, shared by both: they name no report.
  cpSync(path.join(path.dirname(reportSource), 'memos'), path.join(dir, 'memos'), { recursive: true })
  return dir
}

describe('a site of one report', () => {
  const out = tempDir()

  beforeAll(async () => {
    // Memos are listed in the folder's site below.
    const result = await buildSite({ source: reportSource, outDir: out, formats: ['docx', 'html', 'json', 'pdf'] })
    expect(result.files.flatMap((file) => file.messages.filter((m) => m.fatal)).map(String)).toEqual([])
  })

  it('index.html lists every file of the build once, with its format, size and date, by a relative link', () => {
    const rows = indexRows(out)
    const listed = rows.map((row) => row.href).sort()
    expect(listed).toEqual(files(out).filter((name) => name !== 'index.html'))
    for (const row of rows) {
      expect(row.href).not.toMatch(/^(\/|[a-z]+:)/)
      expect(row.format).toBe(path.extname(row.href).slice(1).toUpperCase())
      expect(row.size, row.href).toBe(expectedSize(statSync(path.join(out, row.href)).size))
      expect(row.date).toBe('December 2015')
    }
    expect(toText(select('h2', parse(path.join(out, 'index.html')))!)).toBe('North Korea’s Cyber Operations')
  })

  it('the web edition links its PDF, DOCX and JSON beside it, with their sizes', () => {
    const links = selectAll('.editions a', parse(path.join(out, 'report.html')))
    const hrefs = links.map((link) => String(link.properties.href))
    expect(hrefs.sort()).toEqual(['report.docx', 'report.json', 'report.pdf'])
    const text = toText(select('.editions', parse(path.join(out, 'report.html')))!)
    for (const href of hrefs) expect(text).toContain(expectedSize(statSync(path.join(out, href)).size))
  })
})

describe('a folder of reports builds into one site', () => {
  const out = tempDir()

  beforeAll(() => {
    // Memos too: files in a folder below each report's.
    const result = cli(['build', reportsFolder(), '--out', out, '--format', 'html,json,pdf,memo'])
    expect(result.status, result.stderr).toBe(0)
  })

  it('each report in a folder of its own, one index listing both, the newest first', () => {
    const memos = (name: string) => ['alliance', 'defenders', 'us'].flatMap((id) => ['docx', 'html', 'pdf'].map((ext) => `${name}/memos/${name}.${id}.${ext}`))
    expect(files(out)).toEqual([
      'cyber/cyber.html', 'cyber/cyber.json', 'cyber/cyber.pdf', ...memos('cyber'), 'index.html',
      ...memos('sequel'), 'sequel/sequel.html', 'sequel/sequel.json', 'sequel/sequel.pdf'
    ])
    const index = parse(path.join(out, 'index.html'))
    expect(selectAll('h2 a', index).map((link) => [toText(link), link.properties.href])).toEqual([
      ['Cyber Operations Revisited', 'sequel/sequel.html'],
      ['North Korea’s Cyber Operations', 'cyber/cyber.html']
    ])
    const rows = indexRows(out)
    expect(rows.map((row) => row.href).sort()).toEqual(files(out).filter((name) => name !== 'index.html'))
    expect(rows.find((row) => row.href === 'sequel/memos/sequel.us.pdf')).toMatchObject({ title: 'U.S. Executive-Branch Policymakers', format: 'PDF', date: 'March 2016' })
    expect(selectAll('.editions a', parse(path.join(out, 'sequel', 'sequel.html'))).map((link) => link.properties.href).sort()).toEqual(['sequel.json', 'sequel.pdf'])
  })

  it('one report with an error leaves the whole previous site as it was', () => {
    const source = path.join(tempDir(), 'reports')
    mkdirSync(source)
    copyFileSync(fixture('diff', 'old.md'), path.join(source, 'harbor.md'))
    const site = tempDir()
    expect(cli(['build', source, '--out', site, '--format', 'html']).status).toBe(0)
    writeFileSync(path.join(source, 'broken.md'), '# Broken\n\n1. :finding[A finding without an id.] Its body.\n')
    const before = files(site).map((name) => [name, statSync(path.join(site, name)).mtimeMs])
    const result = cli(['build', source, '--out', site, '--format', 'html'])
    expect(result.status).toBe(1)
    expect(result.stderr).toContain('broken.md:3:4  error  Missing id')
    expect(files(site).map((name) => [name, statSync(path.join(site, name)).mtimeMs])).toEqual(before)
  })

  describe.skipIf(!needs('chromium'))('in a browser', () => {
    let browser: Browser
    let server: Server
    let base: string

    beforeAll(async () => {
      // A host that serves the site under a sub-path, as GitHub Pages serves a project's.
      const prefix = '/a-project/reports/'
      server = createServer((request, response) => {
        const url = decodeURIComponent(new URL(request.url ?? '/', 'http://host').pathname)
        const file = url.startsWith(prefix) ? path.join(out, url.slice(prefix.length) || 'index.html') : ''
        if (!file || !file.startsWith(out) || !existsSync(file) || statSync(file).isDirectory()) {
          response.writeHead(404).end()
          return
        }
        response.writeHead(200).end(readFileSync(file))
      })
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}${prefix}`
      browser = await chromium.launch({ executablePath: chromiumPath, args: ['--headless', '--no-sandbox', '--disable-gpu'] })
    })
    afterAll(async () => {
      await browser?.close()
      await new Promise((resolve) => server?.close(resolve))
    })

    /** Every link on a page, as the browser resolves it. */
    const links = (page: Page) => page.evaluate(() => [...document.querySelectorAll('a[href]')].map((link) => (link as HTMLAnchorElement).href))

    it('from the folder (file://), every link of the index and of each web edition opens a file of the site', async () => {
      const page = await browser.newPage()
      await page.goto(pathToFileURL(path.join(out, 'index.html')).href)
      const pages = [pathToFileURL(path.join(out, 'index.html')).href]
      const found = await links(page)
      expect(found.length).toBe(files(out).length - 1 + 2)
      for (const href of found) {
        expect(href.startsWith(pathToFileURL(out).href), href).toBe(true)
        expect(existsSync(fileURLToPath(href)), href).toBe(true)
        if (href.endsWith('.html') && !href.includes('/memos/')) pages.push(href)
      }
      // The report's title leads to its web edition, whose own links stay in the site.
      await page.click('h2 a >> nth=0')
      expect(await page.title()).toBe('Cyber Operations Revisited: Strategy and Responses')
      for (const web of pages.slice(1)) {
        await page.goto(web)
        for (const href of (await links(page)).filter((href) => href.startsWith('file:'))) expect(existsSync(fileURLToPath(href.split('#')[0])), href).toBe(true)
      }
      await page.close()
    })

    it('under a sub-path, every link answers with the file the index lists', async () => {
      const page = await browser.newPage()
      await page.goto(base)
      const checked = await page.evaluate(async () =>
        Promise.all(
          [...document.querySelectorAll('table.files a')].map(async (link) => {
            const response = await fetch((link as HTMLAnchorElement).href)
            return { href: (link as HTMLAnchorElement).href, status: response.status, bytes: (await response.arrayBuffer()).byteLength }
          })
        )
      )
      expect(checked.length).toBe(files(out).length - 1)
      for (const { href, status, bytes } of checked) {
        expect(href.startsWith(base), href).toBe(true)
        expect(status, href).toBe(200)
        expect(bytes, href).toBe(statSync(path.join(out, href.slice(base.length))).size)
      }
      await page.goto(new URL('sequel/sequel.html', base).href)
      for (const href of (await links(page)).filter((href) => href.startsWith(base))) {
        expect((await page.request.get(href)).status(), href).toBe(200)
      }
      await page.close()
    })
  })
})
