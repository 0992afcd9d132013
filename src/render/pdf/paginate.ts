import type { Content } from 'pdfmake/interfaces.js'
import type { PageGeometry } from './template.js'

/**
 * Where pages break, decided as a publisher would: a heading or a standing
 * lead kept with the two lines after it, an item's run-in lead kept with a
 * line of its text, no paragraph leaving one line alone at a page's foot
 * (an orphan) or head (a widow).
 *
 * pdfmake fills pages line by line and knows none of this, and asking it
 * through `pageBreakBefore` costs a whole new layout for every break. So
 * the body is laid out once to measure it (every line's height, every gap
 * between blocks; neither depends on the page a line lands on), and the
 * pages are then filled again here, in one pass, by pdfmake's own rule (a
 * line goes on the page if it fits; a gap at a page's top is dropped).
 * Where a break would strand something, the pass decides and goes back to
 * the start of that page only:
 * - a block that must not start here starts the next page (`pageBreak`);
 * - a widow takes one more line with it, by giving that page's gaps
 *   between blocks the little room that pushes one line over.
 * The decisions go into the definition as plain pdfmake properties.
 */
export interface PagePlan {
  /** Keys of blocks that start a new page. */
  breaks: Set<number>
  /** Extra space before a block (by key), in points. */
  stretch: Map<number, number>
}

/** A node as pdfmake leaves it after laying it out. */
interface LaidNode {
  headlineLevel?: number
  style?: string | string[]
  pageBreak?: string
  text?: unknown
  positions?: Array<{ pageNumber: number; top: number }>
  _margin?: [number, number, number, number] | null
  /** Set by the converter: lines of a run-in lead (an item's), or a block that goes with the next. */
  leadLines?: number
  keepWithNext?: boolean
}

/** What the measuring layout says about one block: its lines and how it sits among the others. */
export interface MeasuredBlock {
  key: number
  /** Text whose lines may break across pages under the widow and orphan rules. */
  text: boolean
  keepWithNext: boolean
  /** Lines of its run-in lead, which must not end a page. */
  leadLines: number
  /** Starts a new page whatever the plan (a chapter break in the template). */
  forced: boolean
  /** Each line's height, and the gap below it to what follows. */
  lines: Array<{ height: number; gapAfter: number }>
}

/** Keyed blocks and sentinels of a definition's content, in reading order. */
export function keyedNodes(content: Content[]): { blocks: Map<number, LaidNode>; sentinels: Map<number, LaidNode> } {
  const blocks = new Map<number, LaidNode>()
  const sentinels = new Map<number, LaidNode>()
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(walk)
    if (!value || typeof value !== 'object') return
    const node = value as LaidNode & { stack?: unknown; ul?: unknown; ol?: unknown }
    if (typeof node.headlineLevel === 'number') {
      if (node.headlineLevel > 0) blocks.set(node.headlineLevel, node)
      else sentinels.set(-node.headlineLevel, node)
      return
    }
    walk(node.stack)
    walk(node.ul)
    walk(node.ol)
  }
  walk(content)
  return { blocks, sentinels }
}

const headings = /^h[1-6]$/

/**
 * Read the measuring layout back: for every keyed block of the body, its
 * lines' heights and the gaps between them, from where pdfmake put them.
 * A gap that a page break swallowed is the one seen between blocks of the
 * same styles elsewhere, else the margins between them.
 */
export function measureBlocks(content: Content[], lineHeightOf: (style: string) => number): { blocks: MeasuredBlock[]; firstPage: number } {
  const { blocks, sentinels } = keyedNodes(content)
  const keys = [...blocks.keys()].sort((a, b) => a - b)
  const styleOf = (node: LaidNode) => String(Array.isArray(node.style) ? node.style.at(-1) : (node.style ?? 'paragraph'))
  const tops = (node: LaidNode) => {
    const seen = new Map<string, { page: number; top: number }>()
    for (const { pageNumber, top } of node.positions ?? []) seen.set(`${pageNumber} ${top.toFixed(3)}`, { page: pageNumber, top })
    return [...seen.values()].sort((a, b) => a.page - b.page || a.top - b.top)
  }
  const laid = keys.map((key) => ({ key, node: blocks.get(key)!, tops: tops(blocks.get(key)!), sentinel: sentinels.get(key) }))
  // For each block, the next one that has lines: found in one pass from the end.
  const nextWithLines: Array<(typeof laid)[number] | undefined> = []
  for (let at = laid.length - 1, seen: (typeof laid)[number] | undefined; at >= 0; at--) {
    nextWithLines[at] = seen
    if (laid[at].tops.length > 0) seen = laid[at]
  }
  const measured: MeasuredBlock[] = []
  const observed = new Map<string, number[]>()
  const pending: Array<{ line: { gapAfter: number }; pair: string; fallback: number }> = []
  for (const [index, { key, node, tops: lines }] of laid.entries()) {
    if (lines.length === 0) continue
    const style = styleOf(node)
    const text = node.text !== undefined
    const height = text ? lineHeightOf(style) : 0
    const block: MeasuredBlock = {
      key,
      text: text && !headings.test(style),
      keepWithNext: Boolean(node.keepWithNext) || headings.test(style),
      leadLines: node.leadLines ?? 0,
      forced: node.pageBreak === 'before',
      lines: []
    }
    const next = nextWithLines[index]
    for (const [at, line] of lines.entries()) {
      const following = lines[at + 1] ?? next?.tops[0]
      const samePage = following && following.page === line.page
      if (text) {
        block.lines.push({ height, gapAfter: samePage ? Math.max(0, following.top - line.top - height) : 0 })
      } else {
        // A table, rule or image: a piece per distinct line top; its last piece reaches to the sentinel.
        const end = lines[at + 1] ?? laid[index].sentinel?.positions?.[0]
        const extent = end && end.page === line.page ? end.top - line.top : lineHeightOf('paragraph')
        block.lines.push({ height: extent, gapAfter: samePage && at + 1 < lines.length ? following.top - line.top - extent : 0 })
      }
    }
    const last = block.lines.at(-1)!
    if (next) {
      const pair = `${style}>${styleOf(next.node)}`
      const first = next.tops[0]
      const end = lines.at(-1)!
      if (first.page === end.page) {
        last.gapAfter = Math.max(0, first.top - end.top - last.height)
        const gaps = observed.get(pair)
        if (gaps) gaps.push(last.gapAfter)
        else observed.set(pair, [last.gapAfter])
      } else {
        pending.push({ line: last, pair, fallback: (node._margin?.[3] ?? 0) + (next.node._margin?.[1] ?? 0) })
      }
    }
    measured.push(block)
  }
  for (const { line, pair, fallback } of pending) {
    const seen = observed.get(pair)
    line.gapAfter = seen ? seen.sort((a, b) => a - b)[Math.floor(seen.length / 2)] : fallback
  }
  return { blocks: measured, firstPage: laid.find((block) => block.tops.length > 0)?.tops[0].page ?? 1 }
}

/** Restarts allowed on one page before its breaks are taken as they fall. */
const maxTriesPerPage = 6
/** How much farther than pdfmake's own arithmetic a line may reach and still count as fitting. */
const tolerance = 0.01

/**
 * Fill the pages with the measured blocks and decide where they break.
 * `reserve` is room kept at each page's foot (footnotes); on such a page a
 * block that would reach into it goes to the next page whole, as the
 * layout's own check does.
 */
export function planPages(blocks: MeasuredBlock[], geometry: PageGeometry, reserve: number[], firstPage: number): PagePlan {
  const plan: PagePlan = { breaks: new Set(), stretch: new Map() }
  const units = blocks.flatMap((block, index) => block.lines.map((line, at) => ({ block: index, at, ...line })))
  if (units.length === 0) return plan
  const top = geometry.margins.top
  const limit = (page: number) => geometry.height - geometry.margins.bottom - (reserve[page - 1] ?? 0)
  const firstUnit: number[] = []
  units.forEach((unit, index) => {
    if (unit.at === 0) firstUnit[unit.block] = index
  })
  const placed: number[] = new Array(units.length)

  let page = firstPage
  let start = 0
  let y = top
  let tries = 0
  const startPage = (index: number) => {
    if (index !== start) {
      page++
      tries = 0
    }
    start = index
    y = top
  }
  // Move a block (and the headings or leads just above it on this page) to the next page.
  const move = (blockIndex: number): boolean => {
    let from = blockIndex
    while (from > 0 && blocks[from - 1].keepWithNext && firstUnit[from - 1] > start) from--
    if (from > 0 && blocks[from - 1].keepWithNext && firstUnit[from - 1] === start) return false
    if (firstUnit[from] <= start) return false
    plan.breaks.add(blocks[from].key)
    return true
  }

  for (let index = 0; index < units.length; ) {
    const unit = units[index]
    const block = blocks[unit.block]
    const opening = unit.at === 0
    if (opening && (block.forced || plan.breaks.has(block.key)) && index !== start) startPage(index)
    else if (index > start) y += units[index - 1].gapAfter + (opening ? (plan.stretch.get(block.key) ?? 0) : 0)

    if (index > start && y + unit.height > limit(page) + tolerance) {
      const decided = tries < maxTriesPerPage && decide(index)
      if (decided) {
        tries++
        index = start
        y = top
        continue
      }
      startPage(index)
    }
    placed[index] = y
    y += unit.height
    index++
  }
  return plan

  /** A break falls before `index`: change the plan if that strands something, and say so. */
  function decide(index: number): boolean {
    const unit = units[index]
    const block = blocks[unit.block]
    if (unit.at === 0) {
      // Between blocks: a heading or standing lead may not end the page.
      const above = unit.block - 1
      return above >= 0 && blocks[above].keepWithNext && move(unit.block)
    }
    const began = firstUnit[unit.block] >= start
    if (!block.text) return began && (block.keepWithNext || (reserve[page - 1] ?? 0) > 0) && move(unit.block)
    // A page with notes: the layout's own check moves a block that reaches into them.
    if (began && (reserve[page - 1] ?? 0) > 0) return move(unit.block)
    const onPage = began ? unit.at : index - start
    const rest = block.lines.length - unit.at
    const least = began ? Math.max(2, block.leadLines > 0 && block.leadLines < block.lines.length ? block.leadLines + 1 : 0) : 1
    if (onPage < least) return began && move(unit.block)
    if (rest >= 2) return false
    // A widow: one more line goes over, if what stays is still enough.
    if (onPage - 1 >= Math.max(least, 2)) {
      const slack = limit(page) - (placed[index - 1] + units[index - 1].height)
      const gaps: number[] = []
      for (let at = units[start].block; at <= unit.block; at++) if (firstUnit[at] > start) gaps.push(at)
      if (gaps.length > 0) {
        for (const at of gaps) plan.stretch.set(blocks[at].key, (plan.stretch.get(blocks[at].key) ?? 0) + (slack + 1) / gaps.length)
        return true
      }
    }
    return began && move(unit.block)
  }
}

/**
 * Write a plan into a fresh copy of the definition: a break as
 * `pageBreak: 'before'` (with no space above, as at any page's top), extra
 * space as the bottom margin of the invisible line before the block.
 */
export function applyPagePlan(content: Content[], plan: PagePlan): void {
  if (plan.breaks.size === 0 && plan.stretch.size === 0) return
  const { blocks, sentinels } = keyedNodes(content)
  for (const key of plan.breaks) Object.assign(blocks.get(key)!, { pageBreak: 'before', marginTop: 0 })
  for (const [key, space] of plan.stretch) {
    // The sentinel before block `key` closes the block keyed `key - 1`.
    const sentinel = sentinels.get(key - 1)
    if (sentinel) Object.assign(sentinel, { marginBottom: space })
  }
}

/** The widths of the lines `text` takes at `available` points, broken between words as pdfmake breaks them. */
export function wrap(text: string, available: number, width: (text: string) => number): number[] {
  const lines: number[] = []
  let line = ''
  for (const word of text.split(/(?<=\s)/u)) {
    if (line && width((line + word).trimEnd()) > available) {
      lines.push(width(line.trimEnd()))
      line = word
    } else {
      line += word
    }
  }
  lines.push(width(line.trimEnd()))
  return lines
}
