import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { chromium, type Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { build } from '../src/build.js'
import { chromiumPath, needs, reportSource, tempDir } from './helpers.js'

const require = createRequire(import.meta.url)
const fontkit = require('fontkit') as { create(buffer: Buffer): { characterSet: number[] } }


/** The faces a page inlines: family, weight and style, and the characters each maps. */
function inlinedFaces(html: string) {
  return [...html.matchAll(/@font-face \{ font-family: "([^"]+)"; font-weight: (\d+); font-style: (\w+);[^}]*url\("data:font\/woff2;base64,([^"]+)"\)/g)].map((match) => ({
    face: `${match[1]} ${match[2]} ${match[3]}`,
    bytes: Buffer.from(match[4], 'base64').length,
    characters: new Set(fontkit.create(Buffer.from(match[4], 'base64')).characterSet.filter((code) => code !== 0xffff).map((code) => String.fromCodePoint(code)))
  }))
}

/** The characters a page shows, upper and lower case (some text is set in capitals by its style), and its style's generated text (`content: "#"`). */
function pageCharacters(html: string): Set<string> {
  const generated = [...html.matchAll(/content:\s*"([^"]*)"/g)].map((match) => match[1]).join('')
  const text = generated + html.replace(/<style[\s\S]*?<\/style>/g, '').replace(/<[^>]+>/g, ' ').replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"')
  return new Set(text + text.toUpperCase() + text.toLowerCase())
}

describe('web fonts in the HTML editions', () => {
  const out = tempDir()
  let pages: Record<string, string>

  beforeAll(async () => {
    const result = await build({ source: reportSource, outDir: out, formats: ['html', 'memo'] })
    expect(result.file.messages.filter((message) => message.fatal).map(String)).toEqual([])
    pages = Object.fromEntries(['report.html', 'memos/report.us.html', 'memos/report.alliance.html', 'memos/report.defenders.html'].map((name) => [name, readFileSync(path.join(out, name), 'utf8')]))
  })

  it('each face holds the characters the page sets in it, and a face the page sets nothing in is left out', () => {
    const report = inlinedFaces(pages['report.html'])
    // The cmap's closing 0xFFFF is no character. Of the eight faces the
    // stylesheet declares, those the report sets no text in (no bold italic,
    // no sans italic) are left out.
    const faces = report.map(({ face }) => face)
    expect(faces).toEqual(expect.arrayContaining(['Source Serif 4 400 normal', 'Source Serif 4 700 normal', 'Source Sans 3 700 normal']))
    for (const unused of ['Source Serif 4 700 italic', 'Source Sans 3 400 italic', 'Source Sans 3 700 italic']) expect(faces).not.toContain(unused)
    const shown = pageCharacters(pages['report.html'])
    const body = report.find(({ face }) => face === 'Source Serif 4 400 normal')!.characters
    for (const word of ['North Korea’s Cyber Operations', 'Reconnaissance General Bureau']) for (const character of word.replace(/ /g, '')) expect(body).toContain(character)
    // Besides the page's own characters, a face that sets list markers keeps what they may show.
    for (const { characters } of report) {
      expect(characters.size).toBeLessThan(130)
      for (const character of characters) if (!/[\s0-9a-zA-Z.)•◦▪–-]/.test(character)) expect(shown).toContain(character)
    }
    // The memos set their headings in the sans face's bold only.
    expect(inlinedFaces(pages['memos/report.us.html']).map(({ face }) => face)).toEqual(['Source Serif 4 400 normal', 'Source Serif 4 700 normal', 'Source Sans 3 700 normal'])
  })

  it('the web edition stays under 80 KB and each memo under 40 KB', () => {
    expect(Buffer.byteLength(pages['report.html'])).toBeLessThan(80 * 1024)
    for (const name of Object.keys(pages).filter((name) => name.startsWith('memos/'))) expect(Buffer.byteLength(pages[name])).toBeLessThan(40 * 1024)
  })

  describe.skipIf(!needs('chromium'))('in a browser', () => {
    let browser: Browser
    beforeAll(async () => {
      browser = await chromium.launch({ executablePath: chromiumPath, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'] })
    })
    afterAll(() => browser?.close())

    // Every glyph on screen and in print comes from the page's own faces: a
    // character left out of a subset would be drawn in a system font.
    for (const name of ['report.html', 'memos/report.us.html', 'memos/report.defenders.html']) {
      for (const media of ['screen', 'print'] as const) {
        it(`${name} (${media}) draws all its text in its own faces`, async () => {
          const page = await browser.newPage()
          await page.emulateMedia({ media })
          await page.goto(pathToFileURL(path.join(out, name)).href)
          await page.evaluate(() => document.fonts.ready)
          const session = await page.context().newCDPSession(page)
          await session.send('DOM.enable')
          await session.send('CSS.enable')
          const { root } = await session.send('DOM.getDocument', { depth: -1, pierce: true })
          const system: string[] = []
          let own = 0
          type Node = { nodeId: number; nodeType: number; nodeName: string; children?: Node[]; pseudoElements?: Node[] }
          const walk = async (node: Node): Promise<void> => {
            if (['HEAD', 'CODE', 'PRE', 'STYLE'].includes(node.nodeName)) return
            if (node.nodeType === 1) {
              const { fonts } = await session.send('CSS.getPlatformFontsForNode', { nodeId: node.nodeId })
              for (const font of fonts) {
                if (font.isCustomFont) own += font.glyphCount
                else system.push(`${node.nodeName}: ${font.glyphCount} in ${font.familyName}`)
              }
            }
            for (const child of [...(node.pseudoElements ?? []), ...(node.children ?? [])]) await walk(child)
          }
          await walk(root as Node)
          await page.close()
          expect(system).toEqual([])
          expect(own).toBeGreaterThan(name === 'report.html' ? 10_000 : 1_000)
        })
      }
    }
  })
})
