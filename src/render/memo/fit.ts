import type { TDocumentDefinitions } from 'pdfmake/interfaces.js'
import type { ReportMeta } from '../../types.js'
import type { FontFaces } from '../../fonts.js'
import { memoContent, type Condensing } from './content.js'
import { layoutPdf, printPdf, type LaidOutPdf, type PrintedPdf } from '../pdf/print.js'
import { lastPageHeight } from './page-height.js'
import type { MemoSelection } from './select.js'
import { toPdfmake } from './to-pdfmake.js'
import type { MemoContent, MemoDefinition, MemoLayout } from './types.js'

export interface FitInput {
  template: MemoDefinition
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
 * Lay the memo out and measure it, condensing by the layout's `condense`
 * steps until it fits one page with the fit's reserve kept free. The steps
 * that shorten rationales are taken one recommendation at a time, so that
 * the page holds as much reasoning as room allows (`fitRationales`); the
 * steps that drop findings follow, one finding at a time. Never pads or
 * stretches: a short memo keeps the layout's type and spacing and simply
 * ends higher on the page.
 */
export async function fitMemo(input: FitInput): Promise<FitResult> {
  const fitted = (await fitRationales(input)) ?? (await fitFewerFindings(input))
  // The trial is the edition: a memo that fits one page with the reserve
  // kept free is set the same way without it (text runs from the top, and
  // a PDF records no margins), so laying it out again would give the same bytes.
  if (fitted) return { fits: true, content: fitted.content, pdf: { bytes: await fitted.laidOut.print(), pageCount: 1 }, condensing: fitted.condensing }
  return { fits: false, overflow: await measureOverflow(input, lastResort(input.layout, input.selection.findings.length)) }
}

/** A condensing laid out with the fit's reserve kept free. */
interface Trial {
  condensing: Condensing
  content: MemoContent
  laidOut: LaidOutPdf
  fits: boolean
}

/**
 * The fullest rationales that fit with every finding, or undefined when even
 * the last rationale step (leads only) does not. The rationale steps are
 * forms, fullest first. Each recommendation takes one, never fuller than the
 * one before it, so the reasoning thins out toward the end of the list (the
 * report's order) instead of here and there. First as many recommendations as
 * fit keep a rationale (dropped from the last first), then as many of those
 * as fit keep it whole (shortened from the last first). Each count is a
 * binary search: more reasoning never makes a memo shorter.
 */
async function fitRationales(input: FitInput): Promise<Trial | undefined> {
  const forms = input.layout.condense.filter((step) => !step.fewerFindings)
  const count = input.selection.recommendations.length
  const findings = input.selection.findings.length
  if (forms.length === 0) return undefined
  // `fuller[level]`: how many recommendations, from the first, take a form
  // fuller than `forms[level]`; it never falls as `level` rises.
  const fuller = forms.map((_, level) => (level === 0 ? 0 : count))
  const levelOf = (index: number) => {
    let level = 0
    while (level + 1 < forms.length && index >= fuller[level + 1]) level++
    return level
  }
  // Each arrangement is laid out once: the searches below meet some twice.
  const tried = new Map<string, Trial>()
  const attempt = async (): Promise<Trial> => {
    const levels = input.selection.recommendations.map((_, index) => levelOf(index))
    const key = levels.join()
    const known = tried.get(key)
    if (known) return known
    const rationales = levels.map((level) => forms[level])
    const trial = await layoutTrial(input, { step: rationales.at(-1) ?? forms[0], rationales, findings })
    tried.set(key, trial)
    return trial
  }
  const all = await attempt()
  if (all.fits) return all
  for (let level = forms.length - 1; level >= 1; level--) {
    // Recommendations before the count take the next fuller form; the next pass may make some fuller still.
    for (let fullest = 1; fullest < level; fullest++) fuller[fullest] = 0
    const most = level === forms.length - 1 ? count : fuller[level + 1]
    const found = await largestThatFits(most, async (kept) => {
      fuller[level] = kept
      return (await attempt()).fits
    })
    if (found === undefined) return undefined
    fuller[level] = found
  }
  // Found by the searches, or with a single form, the whole memo at it.
  const chosen = await attempt()
  return chosen.fits ? chosen : undefined
}

/**
 * The largest count from 0 to `most` for which `fits` holds, or undefined
 * when none does; it assumes that when a count fits, so does every smaller
 * one. All and none are tried first, as the old whole-memo steps were (most
 * memos need no search), then a binary search between them.
 */
async function largestThatFits(most: number, fits: (count: number) => Promise<boolean>): Promise<number | undefined> {
  if (await fits(most)) return most
  if (!(await fits(0))) return undefined
  let low = 0
  let high = most - 1
  while (low < high) {
    const middle = Math.ceil((low + high) / 2)
    if (await fits(middle)) low = middle
    else high = middle - 1
  }
  return low
}

/** Past the rationale steps, the first that fits of `fewerFindings`. */
async function fitFewerFindings(input: FitInput): Promise<Trial | undefined> {
  for (const condensing of fewerFindings(input.layout, input.selection.findings.length)) {
    const trial = await layoutTrial(input, condensing)
    if (trial.fits) return trial
  }
  return undefined
}

/** Each `fewerFindings` step, one finding fewer at a time, down to the layout's minimum. */
function fewerFindings(layout: MemoLayout, findings: number): Condensing[] {
  return layout.condense.flatMap((step) => {
    if (!step.fewerFindings) return []
    const counts: number[] = []
    for (let count = findings - 1; count >= Math.min(layout.fit.minFindings, findings); count--) counts.push(count)
    return counts.map((count) => ({ step, rationales: [], findings: count }))
  })
}

/** The most condensed memo the layout allows: what an overflow is measured on. */
function lastResort(layout: MemoLayout, findings: number): Condensing {
  const step = layout.condense.at(-1)!
  return { step, rationales: [], findings: step.fewerFindings ? Math.min(layout.fit.minFindings, findings) : findings }
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
  const { recommendations } = input.selection
  const fits = async (count: number) => (await layoutTrial(input, condensing, { ...input.selection, recommendations: recommendations.slice(0, count) })).fits
  return (await largestThatFits(recommendations.length - 1, fits)) ?? 0
}

/** The memo laid out with the fit's reserve kept free at the foot of the page. */
async function layoutTrial(input: FitInput, condensing: Condensing, selection = input.selection): Promise<Trial> {
  const content = contentFor(input, condensing, selection)
  const definition = toPdfmake(content, input.layout, { date: input.date, reserve: input.layout.fit.reserve })
  const laidOut = await layoutPdf(definition, { fonts: input.fonts, date: input.date })
  return { condensing, content, laidOut, fits: laidOut.pageCount === 1 }
}

function print(input: FitInput, definition: TDocumentDefinitions): Promise<PrintedPdf> {
  return printPdf(definition, { fonts: input.fonts, date: input.date })
}
