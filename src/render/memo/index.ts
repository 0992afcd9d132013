import { readFile } from 'node:fs/promises'
import type { Root } from 'mdast'
import type { VFile } from 'vfile'
import { resolveFonts, webFontFaces } from '../../fonts.js'
import { inlineNpmUrls } from '../html/inline-assets.js'
import { hasErrors } from '../../message.js'
import { reportData } from '../../pipeline.js'
import { templateFile } from '../../templates.js'
import type { OutputFile, RenderContext, Renderer } from '../../types.js'
import { packDocx } from '../docx/pack.js'
import { memoHeader } from './content.js'
import { loadMemoDefinitions } from './definitions.js'
import { fitMemo, type Overflow } from './fit.js'
import { loadMemoLayout } from './layout.js'
import { templateProblem } from './problems.js'
import { selectContent } from './select.js'
import { toDocx } from './to-docx.js'
import { toHtml } from './to-html.js'
import type { MemoDefinition } from './types.js'

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
    return renderMemos(tree, file, context)
  },
  // The layout and every definition, and what each selects; not the fit,
  // which needs the layout engine.
  async check(tree: Root, file: VFile, context: RenderContext) {
    const definitions = await loadMemoDefinitions(file, file.path, context.audience)
    if (definitions.length === 0) return
    await loadMemoLayout(file, context.templates)
    const report = reportData(file)
    for (const definition of definitions) selectContent(file, tree, report, definition)
  }
}

async function renderMemos(tree: Root, file: VFile, context: RenderContext): Promise<OutputFile[]> {
  const definitions = await loadMemoDefinitions(file, file.path, context.audience)
  if (definitions.length === 0) return []
  const layout = await loadMemoLayout(file, context.templates)
  if (!layout || hasErrors(file)) return []
  const report = reportData(file)
  const families = [...new Set([layout.faces.body, layout.faces.heading])]
  const fonts = resolveFonts(context.templates, families)
  // The memo sets regular and bold: its body's regular and bold, its headings' bold.
  const fontFaces = webFontFaces(context.templates, families, ['normal', 'bold'])
  const css = await readFile(templateFile(context.templates, 'memo/memo.css'), 'utf8')
  const outputs: OutputFile[] = []
  for (const definition of definitions) {
    const selection = selectContent(file, tree, report, definition)
    if (selection.problems > 0) continue
    const header = memoHeader(definition, context.isoDate, report.meta.language, context.memoOverrides)
    const fit = await fitMemo({ template: definition, selection, meta: report.meta, header, layout, fonts, date: context.date })
    if (!fit.fits) {
      reportOverflow(file, definition, fit.overflow, selection.recommendations.length)
      continue
    }
    const base = `memos/${context.name}.${definition.id}`
    outputs.push(
      { path: `${base}.pdf`, data: fit.pdf.bytes },
      { path: `${base}.docx`, data: await packDocx(toDocx(fit.content, layout, fonts), context.date) },
      { path: `${base}.html`, data: await inlineNpmUrls(toHtml(fit.content, layout, fonts, fontFaces, css)) }
    )
  }
  return outputs
}

/** A fatal message at the definition's `select`: how far over, and what to cut. */
function reportOverflow(file: VFile, definition: MemoDefinition, overflow: Overflow, selected: number): void {
  const inches = (overflow.points / 72).toFixed(1)
  const cut = selected - overflow.recommendationsThatFit
  const findings = overflow.condensing.findings
  const reason =
    `Memo \`${definition.id}\` overflows one page by ${inches}in (about ${overflow.lines} lines) even condensed to ` +
    `“${overflow.condensing.step.name}” with ${findings} finding${findings === 1 ? '' : 's'}; ` +
    `it selects ${selected} recommendations and a page holds ${overflow.recommendationsThatFit}: ` +
    `cut at least ${cut} (list the ones to keep in \`select.ids\`, or narrow \`select\`)`
  templateProblem(file, definition.path, reason, definition.places.get('select'), 'memo-overflow')
}
