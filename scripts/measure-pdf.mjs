#!/usr/bin/env node
// Measure a print edition as a publications editor would, from the
// positions of its text: leading, characters per full line, lines per page,
// and lines stranded at a page's foot or head.
//   node scripts/measure-pdf.mjs [PDF] [SOURCE]     (default out/report.pdf, source/report.md)
//   node scripts/measure-pdf.mjs --json …           the figures as JSON
// Lines are matched to the source's blocks (headings, paragraphs, item
// leads) by their letters, so a paragraph is known across a page break;
// cover, contents, running heads, folios and notes match no block and are
// left out. The tests use the same functions (test/typography.test.ts).
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { toString } from 'mdast-util-to-string'
import { getDocument, OPS } from 'pdfjs-dist/legacy/build/pdf.mjs'
import { visit, SKIP } from 'unist-util-visit'

/** Letters and digits only, lowercased: how a line is found in the source whatever the quotes, hyphens and spaces. */
export function letters(text) {
  return text.normalize('NFKC').toLowerCase().replace(/[^\p{L}\p{N}]/gu, '')
}

/**
 * Every page's lines, top to bottom: baseline and edges in points from the
 * page's top left, type size, text (spaces put back where words part), and
 * the bookmarks with where they point.
 */
export async function readPdf(bytes) {
  const document = await getDocument({ data: new Uint8Array(bytes), verbosity: 0, isEvalSupported: false }).promise
  try {
    const pages = []
    for (let number = 1; number <= document.numPages; number++) {
      const page = await document.getPage(number)
      const [, , width, height] = page.view
      const { items } = await page.getTextContent()
      const pieces = items
        .filter((item) => 'str' in item && item.str !== '')
        .map((item) => ({ text: item.str, x: item.transform[4], baseline: height - item.transform[5], width: item.width, size: Math.hypot(item.transform[0], item.transform[1]) }))
      pages.push({ number, width, height, lines: groupLines(pieces) })
    }
    const outline = []
    const walk = async (entries, depth) => {
      for (const entry of entries ?? []) {
        const destination = typeof entry.dest === 'string' ? await document.getDestination(entry.dest) : entry.dest
        const page = destination ? (await document.getPageIndex(destination[0])) + 1 : undefined
        const [x, y] = destination?.[1]?.name === 'XYZ' ? [destination[2], destination[3]] : []
        const height = page ? pages[page - 1].height : 0
        outline.push({ title: entry.title, depth, page, left: x, top: y === undefined || y === null ? undefined : height - y })
        await walk(entry.items, depth + 1)
      }
    }
    await walk(await document.getOutline(), 1)
    return { pages, outline }
  } finally {
    await document.destroy()
  }
}

/** Every run of text with its page, type size and fill colour (`#1f3a5f`), from the pages' drawing operations. */
export async function readTextColors(bytes) {
  const document = await getDocument({ data: new Uint8Array(bytes), verbosity: 0, isEvalSupported: false }).promise
  try {
    const runs = []
    for (let number = 1; number <= document.numPages; number++) {
      const { fnArray, argsArray } = await (await document.getPage(number)).getOperatorList()
      let color = '#000000'
      let size = 0
      fnArray.forEach((fn, index) => {
        const args = argsArray[index]
        if (fn === OPS.setFillRGBColor) color = String(args[0])
        else if (fn === OPS.setFont) size = args[1]
        else if (fn === OPS.showText) {
          const text = args[0].map((glyph) => glyph?.unicode ?? '').join('')
          if (text.trim()) runs.push({ page: number, size, color, text })
        }
      })
    }
    return runs
  } finally {
    await document.destroy()
  }
}

/** Pieces on one baseline (within a fraction of a point) make a line; a raised note mark is a line of its own and matches nothing. */
function groupLines(pieces) {
  const sorted = [...pieces].sort((a, b) => a.baseline - b.baseline || a.x - b.x)
  const lines = []
  for (const piece of sorted) {
    const line = lines.at(-1)
    if (line && Math.abs(line.baseline - piece.baseline) < 0.6) line.pieces.push(piece)
    else lines.push({ baseline: piece.baseline, pieces: [piece] })
  }
  return lines.map(({ baseline, pieces: row }) => {
    row.sort((a, b) => a.x - b.x)
    let text = ''
    let end = row[0].x
    for (const piece of row) {
      if (text && !/\s$/.test(text) && !/^\s/.test(piece.text) && piece.x - end > 0.15 * piece.size) text += ' '
      text += piece.text
      end = piece.x + piece.width
    }
    const sizes = new Map()
    for (const piece of row) if (piece.text.trim()) sizes.set(piece.size, (sizes.get(piece.size) ?? 0) + piece.text.length)
    const size = [...sizes].sort((a, b) => b[1] - a[1])[0]?.[0] ?? row[0].size
    return { baseline, left: row[0].x, right: end, size: Math.round(size * 100) / 100, text: text.replace(/\s+/g, ' ').trim() }
  })
}

/**
 * The source's blocks in reading order, as lines must follow them:
 * headings, paragraphs (with the length of an item's lead, in letters) and
 * leads that stand alone above a list (`**Recommendations for …:**`).
 */
export function sourceBlocks(tree) {
  const blocks = []
  visit(tree, (node, _index, parent) => {
    if (node.type === 'footnoteDefinition' || node.type === 'yaml' || node.type === 'html') return SKIP
    if (node.type === 'heading') {
      blocks.push({ kind: 'heading', key: letters(toString(node)) })
      return SKIP
    }
    if (node.type === 'paragraph' || node.type === 'tableCell' || node.type === 'code') {
      const key = letters(toString(node))
      if (!key) return SKIP
      const first = node.children?.[0]
      const whole = node.children?.length === 1 && (first.type === 'strong' || first.type === 'emphasis')
      const nextInItem = parent?.type === 'listItem' ? parent.children[parent.children.indexOf(node) + 1] : undefined
      if (whole && nextInItem?.type === 'list') blocks.push({ kind: 'lead', key })
      else {
        const lead = first?.type === 'textDirective' || (first?.type === 'strong' && node.children.length > 1) ? letters(toString(first)).length : 0
        blocks.push({ kind: 'paragraph', key, lead })
      }
      return SKIP
    }
  })
  return blocks
}

/** A list marker pdfmake sets before an item's first line: `1.`, `b.`, `iv.` or a bullet. */
const marker = /^(?:\d{1,3}|[a-z]|[ivxlc]{1,6})\.\s+|^[•◦▪–]\s+/

/**
 * Find each body line in the source's blocks: which block, and where in its
 * letters it starts and ends. Lines before the first bookmark's page (cover,
 * contents) and lines that fit nowhere at the reading point (running heads,
 * folios, notes) are not body lines.
 */
export function bodyLines(pdf, blocks) {
  const starts = []
  let stream = ''
  for (const block of blocks) {
    starts.push(stream.length)
    stream += block.key
  }
  const blockAt = (offset) => {
    let low = 0
    let high = starts.length - 1
    while (low < high) {
      const middle = (low + high + 1) >> 1
      if (starts[middle] <= offset) low = middle
      else high = middle - 1
    }
    return low
  }
  const firstPage = Math.min(...pdf.outline.map((entry) => entry.page ?? Infinity), pdf.pages.length)
  const found = []
  let cursor = 0
  for (const page of pdf.pages) {
    if (page.number < firstPage) continue
    for (const line of page.lines) {
      const bare = line.text.replace(marker, '')
      for (const text of bare === line.text ? [line.text] : [line.text, bare]) {
        const key = letters(text)
        if (key.length === 0) continue
        // A line continues where the last one ended, give or take a stray mark.
        const at = stream.indexOf(key, cursor)
        if (at < 0 || at - cursor > 3) continue
        const block = blockAt(at)
        found.push({ ...line, text, page: page.number, block, from: at - starts[block], to: at - starts[block] + key.length })
        cursor = at + key.length
        break
      }
    }
  }
  return found
}

const median = (values) => {
  if (values.length === 0) return undefined
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]
}

/**
 * The figures: leading by type size (median baseline-to-baseline distance
 * within a paragraph, and as a multiple of the size), characters on each
 * full line of body text (every paragraph line but its last), body lines
 * per page, and what is stranded: a paragraph's first line alone at a
 * page's foot, its last line alone at a head, a heading or a standing lead
 * last on a page, an item's lead broken from its text by a page break, a
 * paragraph ending in one word.
 */
export function measure(pdf, blocks) {
  const lines = bodyLines(pdf, blocks)
  const byBlock = new Map()
  for (const line of lines) byBlock.set(line.block, [...(byBlock.get(line.block) ?? []), line])
  const sizes = new Map()
  for (const line of lines) if (blocks[line.block].kind === 'paragraph') sizes.set(line.size, (sizes.get(line.size) ?? 0) + 1)
  const bodySize = [...sizes].sort((a, b) => b[1] - a[1])[0]?.[0]

  const gaps = new Map()
  const fullLines = []
  const shortLast = []
  for (const [index, own] of byBlock) {
    for (let at = 1; at < own.length; at++) {
      const [above, below] = [own[at - 1], own[at]]
      if (above.page === below.page && above.size === below.size) gaps.set(above.size, [...(gaps.get(above.size) ?? []), below.baseline - above.baseline])
    }
    if (blocks[index].kind !== 'paragraph') continue
    for (const line of own.slice(0, -1)) if (line.size === bodySize) fullLines.push(line.text.length)
    const last = own.at(-1)
    if (own.length > 1 && !/\s/.test(last.text) && last.to === blocks[index].key.length) shortLast.push(`p. ${last.page}: “${last.text}”`)
  }
  const leading = [...gaps]
    .map(([size, values]) => ({ size, lines: values.length + 1, leading: round(median(values)), ratio: round(median(values) / size, 3) }))
    .sort((a, b) => b.lines - a.lines)

  const pageNumbers = [...new Set(lines.map((line) => line.page))]
  const lastOn = new Map()
  const firstOn = new Map()
  for (const line of lines) {
    if (!firstOn.has(line.page)) firstOn.set(line.page, line)
    lastOn.set(line.page, line)
  }
  const stranded = { orphans: [], widows: [], headings: [], leads: [] }
  const quote = (line) => `p. ${line.page}: “${line.text.slice(0, 40)}${line.text.length > 40 ? '…' : ''}”`
  for (const [index, own] of byBlock) {
    const block = blocks[index]
    const complete = own.at(-1).to === block.key.length && own[0].from === 0
    const pagesOfBlock = new Set(own.map((line) => line.page))
    const isLast = (line) => lastOn.get(line.page) === line && index < blocks.length - 1
    if (block.kind === 'heading' || block.kind === 'lead') {
      if (isLast(own.at(-1))) stranded.headings.push(quote(own[0]))
      continue
    }
    if (!complete || pagesOfBlock.size < 2) {
      if (block.lead && own.every((line) => line.from < block.lead) && isLast(own.at(-1)) && block.key.length > block.lead) stranded.leads.push(quote(own[0]))
      continue
    }
    for (let at = 0; at < own.length - 1; at++) {
      if (own[at].page === own[at + 1].page) continue
      const before = own.slice(0, at + 1).filter((line) => line.page === own[at].page)
      const after = own.slice(at + 1).filter((line) => line.page === own[at + 1].page)
      if (before.length === 1 && at === 0) stranded.orphans.push(quote(own[at]))
      if (after.length === 1 && at + 1 === own.length - 1) stranded.widows.push(quote(own[at + 1]))
      // The lead ends on the last line of the page, or is itself split over the break.
      if (block.lead && own[at].from < block.lead && own[at + 1].from < block.lead + 1) stranded.leads.push(quote(own[0]))
    }
  }

  const inRange = fullLines.filter((count) => count >= 55 && count <= 80).length
  return {
    pages: pdf.pages.length,
    bodyPages: pageNumbers.length,
    bodySize,
    leading,
    fullLines: {
      count: fullLines.length,
      median: median(fullLines),
      min: fullLines.length ? Math.min(...fullLines) : undefined,
      max: fullLines.length ? Math.max(...fullLines) : undefined,
      within55to80: fullLines.length ? round(inRange / fullLines.length, 3) : undefined
    },
    linesPerPage: pageNumbers.map((page) => ({ page, lines: lines.filter((line) => line.page === page).length })),
    stranded,
    oneWordLastLines: shortLast,
    bookmarks: pdf.outline
  }
}

function round(value, places = 2) {
  return value === undefined ? undefined : Math.round(value * 10 ** places) / 10 ** places
}

/** The report as a few lines of text. */
export function describe(figures) {
  const { leading, fullLines, stranded } = figures
  const body = leading.find((entry) => entry.size === figures.bodySize)
  const perPage = figures.linesPerPage.map((entry) => `${entry.page}:${entry.lines}`).join(' ')
  const list = (items) => (items.length ? `${items.length} (${items.join('; ')})` : '0')
  const marks = figures.bookmarks.filter((entry) => entry.top !== undefined)
  return [
    `pages                ${figures.pages} (${figures.bodyPages} with body text)`,
    `body leading         ${body ? `${body.leading} pt on ${body.size} pt = ${body.ratio}×` : 'n/a'}`,
    `other leading        ${leading.filter((entry) => entry !== body).map((entry) => `${entry.size} pt: ${entry.leading} (${entry.ratio}×)`).join(', ') || 'none'}`,
    `chars per full line  median ${fullLines.median}, ${fullLines.min}–${fullLines.max}, ${Math.round((fullLines.within55to80 ?? 0) * 100)} % within 55–80 (${fullLines.count} lines)`,
    `body lines per page  ${perPage}`,
    `orphans (foot)       ${list(stranded.orphans)}`,
    `widows (head)        ${list(stranded.widows)}`,
    `headings/leads last  ${list(stranded.headings)}`,
    `item leads parted    ${list(stranded.leads)}`,
    `one-word last lines  ${list(figures.oneWordLastLines)}`,
    `bookmarks            ${marks.length ? marks.map((entry) => `p${entry.page}@(${round(entry.left, 0)},${round(entry.top, 0)})`).slice(0, 6).join(' ') : 'no positions'}${marks.length > 6 ? ' …' : ''}`
  ].join('\n')
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = fileURLToPath(new URL('..', import.meta.url))
  const args = process.argv.slice(2).filter((arg) => arg !== '--json')
  const pdfPath = args[0] ?? path.join(root, 'out', 'report.pdf')
  const sourcePath = args[1] ?? path.join(root, 'source', 'report.md')
  const { parseReport } = await import('../dist/pipeline.js')
  const { VFile } = await import('vfile')
  const tree = await parseReport(new VFile({ path: sourcePath, value: readFileSync(sourcePath, 'utf8') }))
  const figures = measure(await readPdf(readFileSync(pdfPath)), sourceBlocks(tree))
  console.log(process.argv.includes('--json') ? JSON.stringify(figures, null, 2) : describe(figures))
}
