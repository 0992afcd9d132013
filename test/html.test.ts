import { readFileSync } from 'node:fs'
import path from 'node:path'
import type { Element, Root as HastRoot } from 'hast'
import { select, selectAll } from 'hast-util-select'
import { toText } from 'hast-util-to-text'
import type { Paragraph } from 'mdast'
import { toString } from 'mdast-util-to-string'
import rehypeParse from 'rehype-parse'
import { unified } from 'unified'
import { visit } from 'unist-util-visit'
import { VFile } from 'vfile'
import { describe, expect, it } from 'vitest'
import { build } from '../src/build.js'
import { parseReport, reportData } from '../src/pipeline.js'
import { fixture, normalize, reportSource, seedSentences, tempDir } from './helpers.js'

async function page(source: string) {
  const out = tempDir()
  const result = await build({ source, outDir: out, formats: ['html'] })
  const name = path.basename(source, '.md')
  const html = readFileSync(path.join(out, `${name}.html`), 'utf8')
  const tree = unified().use(rehypeParse).parse(html) as HastRoot
  return { result, html, tree }
}

describe('the web edition', async () => {
  const { html, tree } = await page(reportSource)
  const main = select('main', tree)!
  const text = normalize(toText(main))
  const value = readFileSync(reportSource, 'utf8')
  const file = new VFile({ path: reportSource, value })
  const mdast = await parseReport(file)
  const data = reportData(file)

  it('holds every paragraph of the source', () => {
    const paragraphs: string[] = []
    visit(mdast, 'paragraph', (node: Paragraph) => {
      paragraphs.push(normalize(toString(node)))
    })
    expect(paragraphs.length).toBeGreaterThan(30)
    const missing = paragraphs.filter((p) => !text.includes(p.replace(/:(?=\S)/g, ': ')) && !text.includes(p))
    expect(missing).toEqual([])
  })

  it('holds every sentence of the seed, in the authors’ words', () => {
    const sentences = seedSentences()
    expect(sentences.length).toBeGreaterThan(100)
    const missing = sentences.filter((sentence) => !text.includes(sentence))
    expect(missing).toEqual([])
  })

  it('is semantic HTML with the language set', () => {
    expect(select('html', tree)!.properties.lang).toBe('en')
    for (const selector of ['header', 'nav', 'main', 'article', 'footer']) expect(select(selector, tree), selector).toBeTruthy()
    expect(selectAll('main section', tree)).toHaveLength(5)
    expect(toText(select('header h1', tree)!)).toBe('North Korea’s Cyber Operations')
    const header = normalize(toText(select('header', tree)!))
    for (const words of ['Strategy and Responses', 'Jenny Jun', 'Victor D. Cha', 'December 2015', 'Office of the Korea Chair']) {
      expect(header).toContain(normalize(words))
    }
  })

  it('has a table of contents whose links reach the headings', () => {
    const links = selectAll('nav a', tree).map((a) => String(a.properties.href))
    expect(links).toHaveLength(5)
    for (const href of links) expect(select(`h2${href}`, tree), href).toBeTruthy()
  })

  it('makes every finding, objective and recommendation addressable by its id', () => {
    const items = [...data.findings, ...data.objectives, ...data.recommendations]
    expect(items).toHaveLength(22)
    for (const item of items) {
      const element = select(`[id="${item.id}"]`, tree) as Element | undefined
      expect(element, item.id).toBeTruthy()
      expect(normalize(toText(element!))).toContain(normalize(item.lead))
      expect(toText(select('.lead', element!)!)).toBe(item.lead)
    }
  })

  it('makes no request to another host', () => {
    expect(selectAll('script, iframe, link[rel=stylesheet], img[src^=http]', tree)).toEqual([])
    expect(html).not.toMatch(/@import|url\(\s*['"]?https?:/)
  })
})

describe('images in the web edition', async () => {
  const { tree, html } = await page(fixture('pdf-features', 'report.md'))

  it('inlines a local image as a data: URL with its alt text, and sets a remote one’s alt text instead', () => {
    const images = selectAll('img', tree)
    expect(images.map((image) => image.properties.alt)).toEqual(['A chart of incidents'])
    expect(String(images[0].properties.src)).toMatch(/^data:image\/png;base64,/)
    expect(toText(select('main', tree)!)).toContain('Remote image')
  })

  it('points no src at another host or at a file', () => {
    expect(selectAll('[src]', tree).filter((element) => !String(element.properties.src).startsWith('data:'))).toEqual([])
    expect(html).not.toMatch(/\s(src|srcset)="(?!data:)/i)
  })
})

describe('raw HTML in a source', async () => {
  const { tree, html } = await page(fixture('html-raw', 'input.md'))

  it('keeps harmless markup and its words', () => {
    expect(select('sup', tree)).toBeTruthy()
    expect(toText(select('main', tree)!)).toContain('a handler')
    expect(select('a[href="https://example.org/"]', tree)).toBeTruthy()
  })

  it('drops scripts, event handlers, javascript: URLs and frames', () => {
    expect(selectAll('script, iframe', tree)).toEqual([])
    expect(html).not.toMatch(/onclick|onerror|javascript:/i)
  })
})
