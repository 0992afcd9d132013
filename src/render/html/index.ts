import { readFile } from 'node:fs/promises'
import path from 'node:path'
import type { Root } from 'mdast'
import Mustache from 'mustache'
import type { VFile } from 'vfile'
import { designCss, loadDesign } from '../../design.js'
import { familiesNamedIn, webFontFaces } from '../../fonts.js'
import { authorCredits, displayDate, escapeHtml } from '../../format.js'
import type { Renderer, RenderContext } from '../../types.js'
import { inlineNpmUrls } from './inline-assets.js'
import { toHtmlFragment } from './to-html.js'

/**
 * The web edition: one self-contained page. The page's frame comes from
 * `templates/html/page.html` (Mustache), its look from `style.css` beside it,
 * inlined so the page makes no request anywhere.
 */
export const renderer: Renderer = {
  format: 'html',
  description: 'the web edition, one self-contained page',
  async render(tree: Root, file: VFile, context: RenderContext) {
    const dir = path.join(context.templatesDir, 'html')
    const [page, style] = await Promise.all([
      readFile(path.join(dir, 'page.html'), 'utf8'),
      readFile(path.join(dir, 'style.css'), 'utf8')
    ])
    const meta = file.data.meta!
    const design = await loadDesign(file, context.templatesDir)
    if (!design) return []
    // The house design as custom properties, then the page's own running
    // head for print (Chromium sets `@page` margin boxes), then the stylesheet.
    const css = `${designCss(design)}\n@media print { @page { @top-left { content: ${cssString(meta.shortTitle)}; font: 8.5pt var(--sans); color: #5b6169; } } }\n${style}`
    const view = {
      meta,
      date: displayDate(meta.date, meta.language),
      authors: authorCredits(meta).join(', '),
      authorNames: meta.authors.join(', '),
      description: meta.description ?? meta.abstract,
      abstract: meta.abstract?.split('\n\n'),
      advisers: meta.advisers.join(', '),
      keywords: meta.keywords.join(', '),
      outline: (file.data.outline ?? []).filter((entry) => entry.depth <= 2),
      style: await inlineNpmUrls(`${webFontFaces(context.templatesDir, familiesNamedIn(context.templatesDir, css))}\n${css}`),
      content: toHtmlFragment(tree, file)
    }
    return [{ path: `${context.name}.html`, data: Mustache.render(page, view, {}, { escape: escapeHtml }) }]
  }
}

/** Text as a CSS string, safe inside a `<style>` element. */
function cssString(text: string): string {
  return `"${text.replace(/[\\"<>\n]/g, (char) => `\\${char.codePointAt(0)!.toString(16)} `)}"`
}
