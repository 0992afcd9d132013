import type { Content } from 'pdfmake/interfaces.js'
import { layoutPages, layoutPdf } from '../pdf/print.js'
import type { PdfFaces } from './fallback-faces.js'
import { memoContent, memoRecommendation, reasons, type Arrangement, type MemoSource } from './content.js'
import { measuringDocument, memoParts, recommendationPart, toPdfmake, type MemoPart } from './to-pdfmake.js'
import type { MemoContent } from './types.js'

export interface FitInput extends MemoSource {
  /** The faces the memo's PDF is set in, with a fallback for what they lack. */
  faces: PdfFaces
  date: Date
}

export type FitResult =
  | { fits: true; content: MemoContent; print(): Promise<Uint8Array> }
  | { fits: false; overflow: Overflow }

/** A part of the page and the room it takes, as the overflow message lists them. */
export interface PartHeight {
  kind: MemoPart['kind']
  /** For a finding or recommendation: its place in the memo, from 0. */
  index?: number
  points: number
}

/** How far the most condensed memo still runs past one page, and what takes the room. */
export interface Overflow {
  /** Points past the room the page has (which keeps the fit's reserve free). */
  points: number
  /** The room: the page less its margins and the reserve. */
  room: number
  arrangement: Arrangement
  /** Every part of the most condensed memo, top to bottom. */
  parts: PartHeight[]
  /** How many of the selected recommendations, taken in order, fit with it. */
  recommendationsThatFit: number
}

/**
 * Fit a memo on one page with the fit's reserve kept free, by measurement
 * and arithmetic: one layout measures every part the memo could have (each
 * recommendation with none, one, two … whole sentences of reasoning), the
 * arrangement is chosen by adding heights, and one more layout, which is
 * the edition, confirms it. Leads come first: findings are dropped (last
 * first, down to `fit.minFindings`) only when the leads alone do not fit,
 * or when the first recommendation, the one that matters most, would
 * otherwise have no reason under it. Then reasoning is given a sentence at
 * a time in the memo's order: each recommendation its first sentence while
 * there is room (one that does not fit is passed over, and the room goes
 * to the next), then second sentences, up to `fit.sentences`. Nothing is
 * padded or stretched.
 */
export async function fitMemo(input: FitInput): Promise<FitResult> {
  const heights = await measure(input)
  const fits = (findings: number, sentences: number[]) => total(heights, { findings, sentences }) <= heights.room
  const least = Math.min(input.layout.fit.minFindings, heights.findings.length)
  const fewestFindingsDropped = (sentences: number[]) => {
    let findings = heights.findings.length
    while (findings > least && !fits(findings, sentences)) findings--
    return findings
  }
  const leadsOnly = heights.recommendations.map(() => 0)
  let findings = fewestFindingsDropped(leadsOnly)
  if (!fits(findings, leadsOnly)) return { fits: false, overflow: overflow(heights, { findings, sentences: leadsOnly }) }
  const firstReasoned = leadsOnly.map((_, index) => (index === 0 && heights.recommendations[0].length > 1 ? 1 : 0))
  const findingsWithReason = fewestFindingsDropped(firstReasoned)
  if (fits(findingsWithReason, firstReasoned)) findings = Math.min(findings, findingsWithReason)

  // The upgrades in the order they were made, so that a confirming layout that disagrees can take back the last.
  const sentences = [...leadsOnly]
  const upgrades: number[] = []
  for (let level = 1; level <= input.layout.fit.sentences; level++) {
    heights.recommendations.forEach((forms, index) => {
      if (sentences[index] !== level - 1 || forms.length <= level) return
      const grown = sentences.map((count, other) => (other === index ? level : count))
      if (fits(findings, grown)) {
        sentences[index] = level
        upgrades.push(index)
      }
    })
  }
  for (;;) {
    const arrangement = { findings, sentences: [...sentences] }
    const content = memoContent(input, arrangement)
    const laidOut = await layoutPdf(input.faces.apply(toPdfmake(content, input.layout, { date: input.date, reserve: input.layout.fit.reserve })), { fonts: input.faces.fonts, date: input.date })
    // The trial is the edition: text runs from the top, and a PDF records no margins.
    if (laidOut.pageCount === 1) return { fits: true, content, print: () => laidOut.print() }
    const last = upgrades.pop()
    if (last === undefined) return { fits: false, overflow: overflow(heights, { findings, sentences: leadsOnly }) }
    sentences[last]--
  }
}

/** The height of every part a memo could have, and the room on its page. */
interface Heights {
  room: number
  /** The parts every arrangement has (head, bottom line, headings, contact, closing), top to bottom. */
  fixed: PartHeight[]
  findingsHeading: number
  findings: number[]
  /** By recommendation, the height with 0, 1, 2 … sentences of reasoning. */
  recommendations: number[][]
}

async function measure(input: FitInput): Promise<Heights> {
  const { layout, selection } = input
  const most = layout.fit.sentences
  const content = memoContent(input, { findings: selection.findings.length, sentences: selection.recommendations.map(() => 0) })
  const parts = memoParts(content, layout)
  const forms = selection.recommendations.map((item, index) =>
    Array.from({ length: Math.min(most, reasons(item).length) + 1 }, (_, count) => recommendationPart(memoRecommendation(item, index, count, layout), layout))
  )
  const measured: Content[] = [...parts.map((part) => part.content), ...forms.flat()]
  let tops: number[] = []
  const definition = measuringDocument(measured, layout, { date: input.date }, (reported) => (tops = reported))
  await layoutPages(input.faces.apply(definition), { fonts: input.faces.fonts, date: input.date })
  if (tops.length !== measured.length) throw new Error(`Measured ${tops.length} of the memo’s ${measured.length} parts`)
  const partHeights = parts.map((part, index) => ({ kind: part.kind, points: tops[index] }))
  let next = parts.length
  const recommendations = forms.map((list) => list.map(() => tops[next++]))
  const { page } = layout
  return {
    room: page.height - page.margins.top - page.margins.bottom - layout.fit.reserve,
    fixed: partHeights.filter((part) => part.kind !== 'finding' && part.kind !== 'findingsHeading' && part.kind !== 'recommendation'),
    findingsHeading: partHeights.find((part) => part.kind === 'findingsHeading')?.points ?? 0,
    findings: partHeights.filter((part) => part.kind === 'finding').map((part) => part.points),
    recommendations
  }
}

/** The height an arrangement takes on the page. */
function total(heights: Heights, arrangement: Arrangement): number {
  return sum(partsOf(heights, arrangement).map((part) => part.points))
}

/** Every part of an arrangement, top to bottom, with its height. */
function partsOf(heights: Heights, arrangement: Arrangement): PartHeight[] {
  const fixed = (kind: PartHeight['kind']) => heights.fixed.filter((part) => part.kind === kind)
  const findings = heights.findings.slice(0, arrangement.findings)
  return [
    ...fixed('head'),
    ...fixed('bottomLine'),
    ...(findings.length > 0 ? [{ kind: 'findingsHeading' as const, points: heights.findingsHeading }] : []),
    ...findings.map((points, index) => ({ kind: 'finding' as const, index, points })),
    ...fixed('recommendationsHeading'),
    ...heights.recommendations.map((forms, index) => ({ kind: 'recommendation' as const, index, points: forms[arrangement.sentences[index]] })),
    ...fixed('contact'),
    ...fixed('closing')
  ]
}

function overflow(heights: Heights, arrangement: Arrangement): Overflow {
  const parts = partsOf(heights, arrangement)
  const used = sum(parts.map((part) => part.points))
  // Leads only, with the fewest findings: how many recommendations, from the first, the room holds.
  const others = used - sum(heights.recommendations.map((forms) => forms[0]))
  let room = heights.room - others
  let fit = 0
  for (const forms of heights.recommendations) {
    room -= forms[0]
    if (room < 0) break
    fit++
  }
  return { points: used - heights.room, room: heights.room, arrangement, parts, recommendationsThatFit: fit }
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0)
}
