import type { Content, Node, TDocumentDefinitions } from 'pdfmake/interfaces.js'
import { keyedNodes } from './paginate.js'
import { layoutLinks, layoutPages, type PrintOptions } from './print.js'
import type { PageGeometry } from './template.js'
import { footnoteDestination } from './to-pdfmake.js'

/**
 * Footnotes at the foot of the page that cites them. pdfmake has none
 * (bpampuch/pdfmake#2133) and no per-page margins, so:
 *
 * 1. every block is followed by a sentinel, an invisible line whose position
 *    tells where the block ended;
 * 2. the document is laid out; the links of the reference marks tell on
 *    which page each one landed, so which notes each page needs and how
 *    much room (`reserve`) they take;
 * 3. the next layout breaks the page before any block that would reach into
 *    that room (`pageBreakBefore`), and the page background sets the notes
 *    in it. Room only grows from one layout to the next, so this ends; it
 *    stops when every page has room for the notes it cites.
 */
export interface FootnotePlan {
  /** Room kept at the foot of each page (0-based), in points. */
  reserve: number[]
  /** Note numbers (1-based) to set on each page. */
  notesOnPage: number[][]
  /** Height of each note, by number − 1, in points. */
  heights: number[]
  /** A note (number) that may not fit: one taller than the text block, or, when the passes ran out, the first on the first page without room. */
  unfit?: number
}

/** What a layout pass needs to build a fresh definition (pdfmake mutates the one it lays out). */
export type DefinitionFor = (plan: FootnotePlan) => TDocumentDefinitions

const sentinelSize = 0.1
const maxPasses = 6

/** The invisible line after block `key`; a negative key marks it as a sentinel. */
function sentinel(key: number): Content {
  return { text: ' ', fontSize: sentinelSize, lineHeight: 1, headlineLevel: -key }
}

/** Put a sentinel after every block in `content`, descending into stacks and lists. */
export function withSentinels(content: Content[]): Content[] {
  let next = 1
  const mark = (blocks: Content[]): Content[] =>
    blocks.flatMap((block): Content[] => {
      if (typeof block !== 'object' || block === null || Array.isArray(block)) return [block]
      const node = block as { stack?: Content[]; ul?: Content[]; ol?: Content[] }
      if (node.stack) return [{ ...block, stack: mark(node.stack) } as Content]
      const list = node.ul ? 'ul' : node.ol ? 'ol' : undefined
      if (list) return [{ ...block, [list]: node[list]!.map((item) => (isStack(item) ? { ...item, stack: mark(item.stack) } : item)) } as Content]
      const key = next++
      return [{ ...block, headlineLevel: key } as Content, sentinel(key)]
    })
  return mark(content)
}

function isStack(item: unknown): item is { stack: Content[] } {
  return typeof item === 'object' && item !== null && 'stack' in item
}

/**
 * pdfmake's `pageBreakBefore`, on a page that keeps room for notes: break
 * before a block that would reach into that room. The page planner
 * (paginate.ts) has already placed every other break; this catches what
 * its arithmetic and the layout's differ on. Each block's end is its
 * sentinel's position, looked up, not searched for.
 */
export function breakBefore(geometry: PageGeometry, reserve: number[], content: Content[]) {
  const bottom = geometry.height - geometry.margins.bottom
  const { sentinels } = keyedNodes(content)
  return (node: Node): boolean => {
    const key = node.headlineLevel
    if (typeof key !== 'number' || key <= 0 || !node.startPosition) return false
    // A block at the top of its page cannot be helped by a break.
    if (node.startPosition.top <= geometry.margins.top + 1) return false
    const page = node.pageNumbers?.[0] ?? 1
    const room = reserve[page - 1] ?? 0
    if (room <= 0) return false
    const end = (sentinels.get(key) as { positions?: Array<{ pageNumber: number; top: number }> } | undefined)?.positions?.[0]
    return !end || end.pageNumber !== page || end.top > bottom - room
  }
}

/**
 * Measure each note set at the text width: one layout of all notes, each
 * between sentinels, on a page tall enough to hold them.
 */
async function measureNotes(notes: Content[][], geometry: PageGeometry, base: TDocumentDefinitions, options: PrintOptions): Promise<number[]> {
  const tops = new Map<number, number>()
  const tall = notes.reduce((sum, note) => sum + note.length, 1) * geometry.height
  const content = notes.flatMap((note, index) => [sentinel(index + 1), ...note, sentinel(notes.length + index + 1)])
  await layoutPages(
    {
      ...base,
      content,
      header: undefined,
      footer: undefined,
      background: undefined,
      pageSize: { width: geometry.width, height: tall },
      pageBreakBefore(node) {
        if (typeof node.headlineLevel === 'number' && node.startPosition) tops.set(-node.headlineLevel, node.startPosition.top)
        return false
      }
    },
    options
  )
  return notes.map((_, index) => tops.get(notes.length + index + 1)! - tops.get(index + 1)!)
}

/** Lay the document out until every page has room for the notes it cites. */
export async function planFootnotes(noteContent: Content[][], definitionFor: DefinitionFor, geometry: PageGeometry, separator: number, options: PrintOptions): Promise<FootnotePlan> {
  let plan: FootnotePlan = { reserve: [], notesOnPage: [], heights: [] }
  if (noteContent.length === 0) return plan
  plan.heights = await measureNotes(noteContent, geometry, definitionFor(plan), options)
  // A note taller than the text block fits no page, however the layout goes.
  const tall = plan.heights.findIndex((height) => separator + height > geometry.textHeight)
  for (let pass = 0; pass < maxPasses; pass++) {
    const links = await layoutLinks(definitionFor(plan), options)
    const notesOnPage = links.map((destinations) => [...new Set(destinations.flatMap((name) => noteNumber(name, noteContent.length)))])
    const needed = notesOnPage.map((numbers) => (numbers.length ? separator + numbers.reduce((sum, number) => sum + plan.heights[number - 1], 0) : 0))
    const fits = needed.every((height, page) => height <= (plan.reserve[page] ?? 0))
    plan = { ...plan, notesOnPage, unfit: tall < 0 ? undefined : tall + 1 }
    if (fits) return plan
    const short = needed.findIndex((height, page) => height > (plan.reserve[page] ?? 0))
    plan.unfit = Math.min(...notesOnPage[short])
    const pages = Math.max(needed.length, plan.reserve.length)
    plan.reserve = Array.from({ length: pages }, (_, page) => Math.max(needed[page] ?? 0, plan.reserve[page] ?? 0))
  }
  return plan
}

function noteNumber(destination: string, count: number): number[] {
  for (let number = 1; number <= count; number++) if (destination === footnoteDestination(number)) return [number]
  return []
}
