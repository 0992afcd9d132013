import type { Root } from 'mdast'
import Mustache from 'mustache'
import type { VFile } from 'vfile'
import { designCss } from '../../design.js'
import { familiesNamedIn, webFontFaces } from '../../fonts.js'
import { authorCredits, byteSize, displayDate, escapeHtml, formatName, formatSize, relativeHref } from '../../format.js'
import { readTemplate, templateFile } from '../../templates.js'
import type { EditionFile, Renderer, RenderContext } from '../../types.js'
import { inlineAssets, partMarker } from './inline-assets.js'
import { toHtmlFragment } from './to-html.js'

/**
 * The web edition: one self-contained page. The page's frame comes from
 * the template `html/page.html` (Mustache), its look from `html/style.css`,
 * inlined so the page makes no request anywhere.
 */
export const renderer: Renderer = {
  format: 'html',
  description: 'the web edition, one self-contained page',
  // The page links the report's other editions: it is rendered after them.
  linksEditions: true,
  async render(tree: Root, file: VFile, context: RenderContext) {
    const page = readTemplate(templateFile(context.templates, 'html/page.html'))
    const style = readTemplate(templateFile(context.templates, 'html/style.css'))
    const meta = file.data.meta!
    // The house design as custom properties, then the page's own running
    // head for print (Chromium sets `@page` margin boxes), then the stylesheet.
    const css = `${designCss(context.design)}\n@media print { @page { @top-left { content: ${cssString(meta.shortTitle)}; font: 8.5pt var(--sans); color: #5b6169; } } }\n${style}`
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
      editions: editionLinks(`${context.name}.html`, context.editions ?? []),
      style: `${webFontFaces(context.templates, familiesNamedIn(context.templates, css))}\n${css}`,
      labels: context.labels,
      // The body goes in after the fonts are chosen, which read it as the tree it was made from.
      content: partMarker
    }
    const body = toHtmlFragment(tree, file, context.labels.notes)
    // Fonts subset to what the page sets, everything inlined: one file that requests nothing.
    return [{ path: `${context.name}.html`, data: await inlineAssets(Mustache.render(page, view, {}, { escape: escapeHtml }), body), title: 'Web edition' }]
  }
}

/** Text as a CSS string, safe inside a `<style>` element. */
function cssString(text: string): string {
  return `"${text.replace(/[\\"<>\n]/g, (char) => `\\${char.codePointAt(0)!.toString(16)} `)}"`
}

/** The report's other editions beside the page (not the memos in their folder), as relative links. */
function editionLinks(page: string, editions: EditionFile[]) {
  return editions
    .filter((edition) => !edition.path.includes('/'))
    .map((edition) => ({
      href: relativeHref(page, edition.path),
      title: edition.title ?? formatName(edition.path),
      format: formatName(edition.path),
      size: formatSize(byteSize(edition.data))
    }))
}
