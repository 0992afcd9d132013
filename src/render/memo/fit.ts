import type { TDocumentDefinitions } from 'pdfmake/interfaces.js'
import type { ReportMeta } from '../../types.js'
import type { FontFaces } from '../../fonts.js'
import { memoContent, type Condensing } from './content.js'
import { layoutPdf, printPdf, type LaidOutPdf, type PrintedPdf } from '../pdf/print.js'
import { lastPageHeight } from './page-height.js'
import type { MemoSelection } from './select.js'
import { toPdfmake } from './to-pdfmake.js'
import type { MemoContent, MemoLayout, MemoTemplate } from './types.js'

export interface FitInput {
  template: MemoTemplate
  selection: MemoSelection
  meta: ReportMeta
  header: MemoContent['header']
  layout: MemoLayout
  fonts: Record<string, FontFaces>
  date: Date
}

export type FitResult =
  | { fits: true; content: MemoContent; pdf: PrintedPdf; condensing: Condensing }
  | { fits: false; overflow: Overflow }

/** How far the most condensed memo still runs past one page. */
export interface Overflow {
  /** Points past the page's foot (counting the fit's reserve). */
  points: number
  /** The same in lines of body type. */
  lines: number
  condensing: Condensing
  /** How many of the selected recommendations fit on the page with it. */
  recommendationsThatFit: number
}

/**
 * Lay the memo out and measure it, condensing step by step (the layout's
 * `condense` list) until it fits one page with the fit's reserve kept
 * free. Never pads or stretches: a short memo keeps the layout's type and
 * spacing and simply ends higher on the page.
 */
export async function fitMemo(input: FitInput): Promise<FitResult> {
  const attempts = condensings(input.layout, input.selection.findings.length)
  for (const condensing of attempts) {
    const content = contentFor(input, condensing, input.selection)
    const trial = await layoutTrial(input, content)
    // The trial is the edition: a memo that fits one page with the reserve
    // kept free is set the same way without it (text runs from the top, and
    // a PDF records no margins), so laying it out again would give the same bytes.
    if (trial.pageCount === 1) return { fits: true, content, pdf: { bytes: await trial.print(), pageCount: 1 }, condensing }
  }
  return { fits: false, overflow: await measureOverflow(input, attempts.at(-1)!) }
}

/** Every condensing to try, in order: each step, and for `fewerFindings` one finding fewer at a time. */
export function condensings(layout: MemoLayout, findings: number): Condensing[] {
  return layout.condense.flatMap((step) => {
    if (!step.fewerFindings) return [{ step, findings }]
    const counts: number[] = []
    for (let count = findings - 1; count >= Math.min(layout.fit.minFindings, findings); count--) counts.push(count)
    return counts.map((count) => ({ step, findings: count }))
  })
}

function contentFor(input: FitInput, condensing: Condensing, selection: MemoSelection): MemoContent {
  return memoContent(input.template, selection, input.meta, input.header, input.layout, condensing)
}

async function measureOverflow(input: FitInput, condensing: Condensing): Promise<Overflow> {
  const { layout } = input
  const content = contentFor(input, condensing, input.selection)
  const tall = await print(input, toPdfmake(content, layout, { date: input.date, reserve: layout.fit.reserve, measure: true }))
  const points = Math.max(0, lastPageHeight(tall.bytes) - layout.page.height)
  return {
    points,
    lines: Math.ceil(points / (layout.type.body * layout.type.leading)),
    condensing,
    recommendationsThatFit: await recommendationsThatFit(input, condensing)
  }
}

/** The most recommendations, taken in order, that fit with `condensing` (binary search). */
async function recommendationsThatFit(input: FitInput, condensing: Condensing): Promise<number> {
  let low = 0
  let high = input.selection.recommendations.length - 1
  while (low < high) {
    const middle = Math.ceil((low + high) / 2)
    const selection = { ...input.selection, recommendations: input.selection.recommendations.slice(0, middle) }
    if (await fitsOnePage(input, contentFor(input, condensing, selection))) low = middle
    else high = middle - 1
  }
  return low
}

/** Whether content fits one page with the fit's reserve kept free. */
async function fitsOnePage(input: FitInput, content: MemoContent): Promise<boolean> {
  return (await layoutTrial(input, content)).pageCount === 1
}

/** The memo laid out with the fit's reserve kept free at the foot of the page. */
function layoutTrial(input: FitInput, content: MemoContent): Promise<LaidOutPdf> {
  const definition = toPdfmake(content, input.layout, { date: input.date, reserve: input.layout.fit.reserve })
  return layoutPdf(definition, { fonts: input.fonts, date: input.date })
}

function print(input: FitInput, definition: TDocumentDefinitions): Promise<PrintedPdf> {
  return printPdf(definition, { fonts: input.fonts, date: input.date })
}
