import { escapeHtml } from '../../format.js'
import { naturalLineHeight, type FontFaces } from '../../fonts.js'
import { joinSentences, spaceBetween } from '../../text.js'
import { headerRows } from './content.js'
import type { MemoContent, MemoLayout, MemoRecommendation } from './types.js'

/**
 * A memo as one self-contained HTML page: `memo.css` from the templates,
 * the layout's sizes as custom properties, the faces inlined, so it prints
 * on one page like the PDF.
 */
export function toHtml(memo: MemoContent, layout: MemoLayout, fonts: Record<string, FontFaces>, fontFaces: string, css: string): string {
  const { text } = layout
  const header = headerRows(memo, layout).map(
    (row) => `<dt>${escapeHtml(row.label)}</dt><dd${row.field === 'subject' ? ' class="subject"' : ''}>${escapeHtml(row.value)}</dd>`
  )
  // The handling marking at the head and the foot of the page.
  const banner = (place: 'top' | 'bottom') => (memo.classification ? `<p class="banner ${place}">${escapeHtml(memo.classification)}</p>\n` : '')
  return `<!doctype html>
<html lang="${escapeHtml(memo.language)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(memo.title)}</title>
<style>
${fontFaces}
${customProperties(layout, naturalLineHeight(fonts[layout.faces.body].normal))}
${css}</style>
</head>
<body>
<main class="page">
${banner('top')}<header class="masthead"><h1 class="title">${escapeHtml(text.title)}</h1>${memo.letterhead ? `<p class="letterhead">${escapeHtml(memo.letterhead)}</p>` : ''}</header>
<dl class="header">${header.join('')}</dl>
<section><h2>${escapeHtml(text.bottomLine)}</h2><p>${escapeHtml(joinSentences(memo.bottomLine))}</p></section>
${findings(memo, layout)}<section><h2>${escapeHtml(text.recommendations)}</h2><ol class="items">
${memo.recommendations.map((item) => recommendation(memo, item)).join('\n')}
</ol></section>
${memo.contact ? `<p class="contact"><b>${escapeHtml(text.contact)}</b> ${escapeHtml(memo.contact)}</p>\n` : ''}<p class="closing">${linked(memo)}</p>
${banner('bottom')}</main>
</body>
</html>
`
}

/** Its number, lead, reasoning, and a link to it in the web edition beside the memos. */
function recommendation(memo: MemoContent, item: MemoRecommendation): string {
  const reference = `<a class="reference" href="${escapeHtml(`${memo.reportHtml}#${item.id}`)}">${escapeHtml(item.reference)}</a>`
  return `<li id="${escapeHtml(item.id)}"><span class="marker">${escapeHtml(item.number)}</span><span><strong>${escapeHtml(item.lead)}</strong>${item.rationale ? `${spaceBetween(item.lead, item.rationale)}${escapeHtml(item.rationale)}` : ''} <span class="muted">(${reference})</span></span></li>`
}

function findings(memo: MemoContent, layout: MemoLayout): string {
  if (memo.findings.length === 0) return ''
  const items = memo.findings.map((finding) => `<li><span aria-hidden="true">${escapeHtml(layout.text.bullet)}</span><span><strong>${escapeHtml(finding.lead)}</strong>${spaceBetween(finding.lead, finding.summary)}${escapeHtml(finding.summary)}</span></li>`)
  return `<section><h2>${escapeHtml(layout.text.findings)}</h2><ul class="findings">\n${items.join('\n')}\n</ul></section>\n`
}

/** The closing line with the report's URL as a link. */
function linked(memo: MemoContent): string {
  const closing = escapeHtml(memo.closing)
  if (!memo.url) return closing
  const url = escapeHtml(memo.url)
  return closing.replace(url, `<a href="${url}">${url}</a>`)
}

function customProperties(layout: MemoLayout, bodyLineHeight: number): string {
  const pt = (value: number) => `${Number(value.toFixed(2))}pt`
  const { page, type, space, colors, faces } = layout
  const properties: Record<string, string> = {
    'page-width': pt(page.width),
    'page-height': pt(page.height),
    'margin-top': pt(page.margins.top),
    'margin-right': pt(page.margins.right),
    'margin-bottom': pt(page.margins.bottom),
    'margin-left': pt(page.margins.left),
    'face-body': `"${faces.body}"`,
    'face-heading': `"${faces.heading}"`,
    title: pt(type.title),
    header: pt(type.header),
    heading: pt(type.heading),
    body: pt(type.body),
    closing: pt(type.closing),
    banner: pt(type.banner),
    'banner-offset': pt(space.banner),
    leading: String(Number((type.leading * bodyLineHeight).toFixed(4))),
    tracking: pt(type.tracking),
    'after-title': pt(space.afterTitle),
    'header-row': pt(space.headerRow),
    'after-header': pt(space.afterHeader),
    'before-heading': pt(space.beforeHeading),
    'after-heading': pt(space.afterHeading),
    item: pt(space.item),
    'before-closing': pt(space.beforeClosing),
    rule: pt(space.rule),
    'header-label': pt(space.headerLabel),
    marker: pt(space.itemLabel),
    bullet: pt(space.bullet),
    text: colors.text,
    'rule-color': colors.rule,
    'heading-color': colors.heading,
    muted: colors.muted
  }
  return `:root { ${Object.entries(properties).map(([name, value]) => `--${name}: ${value};`).join(' ')} }`
}
