import type { Root } from 'mdast'
import type { VFile } from 'vfile'
import { cjkFaces, resolveFonts, webFontFaces } from '../../fonts.js'
import { reportData } from '../../pipeline.js'
import { readTemplate, templateFile } from '../../templates.js'
import type { OutputFile, RenderContext, Renderer, ReportItem } from '../../types.js'
import { memoHeader } from './content.js'
import { pdfFaces } from './fallback-faces.js'
import { loadMemoDefinitions } from './definitions.js'
import type { FitInput, Overflow, PartHeight } from './fit.js'
import { keepMemo, keptMemo, keyedItem, memoKeys } from './kept.js'
import { loadMemoLayout } from './layout.js'
import type { MemoSource } from './make.js'
import { templateProblem } from './problems.js'
import { selectContent } from './select.js'

/**
 * One-page memos, one per definition in `memos/` beside the report: each
 * laid out, measured and condensed until it fits a page, then written as
 * PDF, DOCX and HTML with the same content (`memos/NAME.ID.pdf|docx|html`).
 * The look, shared by every report, is the template `memo/`.
 */
export const renderer: Renderer = {
  format: 'memo',
  description: 'one-page policy memos, one per memo definition beside the report, as PDF, DOCX and HTML',
  async render(tree: Root, file: VFile, context: RenderContext) {
    const outputs: OutputFile[] = []
    for await (const memo of memoSources(tree, file, context)) {
      const kept = keptMemo(memo.key)
      if (kept) {
        outputs.push(...kept)
        continue
      }
      // Made only when not kept: pdfmake, docx and the web faces' subsetter load with it.
      const made = await (await import('./make.js')).makeMemo(memo, context)
      if ('overflow' in made) {
        reportOverflow(file, memo, made.overflow)
        continue
      }
      const { files } = made
      keepMemo(memo.key, files)
      outputs.push(...files)
    }
    return outputs
  },
  // Everything the build does but write: the layout, every definition, what
  // it selects and quotes, and whether it fits one page (a memo kept from an
  // earlier build, made from the same, did).
  async check(tree: Root, file: VFile, context: RenderContext) {
    for await (const memo of memoSources(tree, file, context)) {
      if (keptMemo(memo.key)) continue
      const fit = await (await import('./fit.js')).fitMemo(memo.input)
      if (!fit.fits) reportOverflow(file, memo, fit.overflow)
    }
  }
}

/**
 * Each memo of the report that selects without problems (each problem is
 * reported): what its fit is given, the layout, faces and stylesheet its
 * files are made with, and the key of all of that (`memoKeys`).
 */
async function* memoSources(tree: Root, file: VFile, context: RenderContext): AsyncGenerator<MemoSource> {
  const definitions = await loadMemoDefinitions(file, file.path, context.audience)
  if (definitions.length === 0) return
  const layout = await loadMemoLayout(file, context.templates, context.design)
  if (!layout) return
  const report = reportData(file)
  const fonts = resolveFonts(context.templates, [...new Set([layout.faces.body, layout.faces.heading])])
  const faces = pdfFaces(context.templates, fonts, report.meta.language)
  const css = readTemplate(templateFile(context.templates, 'memo/memo.css'))
  // The memo sets regular and bold: its body's regular and bold, its headings' bold.
  const fontFaces = webFontFaces(context.templates, Object.keys(fonts), ['normal', 'bold'])
  const keyOf = memoKeys(faces.fonts)
  const cjk = cjkFaces(context.templates)
  for (const definition of definitions) {
    const selection = selectContent(file, tree, report, definition)
    if (selection.problems > 0) continue
    const header = memoHeader(definition, report.meta.date ?? '', report.meta.language, context.memoOverrides)
    // The memos sit in `memos/` beside the web edition.
    const input: FitInput = { definition, selection, meta: report.meta, header, layout, faces, date: context.date, reportHtml: `../${context.name}.html` }
    const { places: _, path: __, ...said } = definition
    const madeFrom = {
      definition: said,
      selection: { ...selection, findings: selection.findings.map(keyedItem), recommendations: selection.recommendations.map(keyedItem) },
      meta: report.meta,
      header,
      layout: { ...layout, path: undefined },
      date: context.date,
      name: context.name,
      css,
      fontFaces,
      cjk
    }
    yield { input, fonts, css, fontFaces, key: keyOf(madeFrom) }
  }
}

/** A fatal message at the definition's `select`: how far over, what takes the room, and what to cut. */
function reportOverflow(file: VFile, { input }: MemoSource, overflow: Overflow): void {
  const { definition, layout } = input
  const recommendations = input.selection.recommendations
  const line = layout.type.body * layout.type.leading
  const selected = recommendations.length
  const findings = overflow.arrangement.findings
  const parts = overflow.parts.map((part) => `${partName(part, recommendations)} ${inches(part.points)}`).join(', ')
  const reason =
    `Memo \`${definition.id}\` overflows one page by ${inches(overflow.points)} (about ${Math.ceil(overflow.points / line)} lines) ` +
    `even with leads only and ${findings} finding${findings === 1 ? '' : 's'}: the page has room for ${inches(overflow.room)}, and takes ${parts}; ` +
    `it selects ${selected} recommendations and a page holds ${overflow.recommendationsThatFit}: ` +
    `cut at least ${selected - overflow.recommendationsThatFit} (list the ones to keep in \`select.ids\`, or narrow \`select\`)`
  templateProblem(file, definition.path, reason, definition.places.get('select'), 'memo-overflow')
}

function partName(part: PartHeight, recommendations: ReportItem[]): string {
  if (part.kind === 'recommendation') return `recommendation ${part.index! + 1} (${recommendations[part.index!].label})`
  if (part.kind === 'finding') return `finding ${part.index! + 1}`
  const names: Record<string, string> = { head: 'header', bottomLine: 'bottom line', findingsHeading: 'findings heading', recommendationsHeading: 'recommendations heading', contact: 'point of contact', closing: 'closing' }
  return names[part.kind]
}

function inches(points: number): string {
  return `${(points / 72).toFixed(2)}in`
}
