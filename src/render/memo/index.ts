import { readFile } from 'node:fs/promises'
import path from 'node:path'
import type { Root } from 'mdast'
import type { VFile } from 'vfile'
import { resolveFonts, webFontFaces } from '../../fonts.js'
import { inlineNpmUrls } from '../html/inline-assets.js'
import { hasErrors } from '../../message.js'
import { reportData } from '../../pipeline.js'
import type { OutputFile, RenderContext, Renderer } from '../../types.js'
import { packDocx } from '../docx/pack.js'
import { memoHeader } from './content.js'
import { fitMemo, type Overflow } from './fit.js'
import { loadMemoLayout } from './layout.js'
import { templateProblem } from './problems.js'
import { selectContent } from './select.js'
import { loadMemoTemplates } from './template.js'
import { toDocx } from './to-docx.js'
import { toHtml } from './to-html.js'
import type { MemoTemplate } from './types.js'

/**
 * One-page memos, one per template in `templates/memos/`: each laid out,
 * measured and condensed until it fits a page, then written as PDF, DOCX
 * and HTML with the same content (`memos/NAME.ID.pdf|docx|html`).
 */
export const renderer: Renderer = {
  format: 'memo',
  description: 'one-page policy memos, one per audience template, as PDF, DOCX and HTML',
  async render(tree: Root, file: VFile, context: RenderContext) {
    return renderMemos(tree, file, context)
  },
  // The layout and every template, and what each selects; not the fit,
  // which needs the layout engine.
  async check(tree: Root, file: VFile, context: RenderContext) {
    await loadMemoLayout(file, context.templatesDir)
    const templates = await loadMemoTemplates(file, context.templatesDir, context.audience)
    const report = reportData(file)
    for (const template of templates) selectContent(file, tree, report, template)
  }
}

async function renderMemos(tree: Root, file: VFile, context: RenderContext): Promise<OutputFile[]> {
  const layout = await loadMemoLayout(file, context.templatesDir)
  const templates = await loadMemoTemplates(file, context.templatesDir, context.audience)
  if (!layout || hasErrors(file)) return []
  const report = reportData(file)
  const families = [...new Set([layout.faces.body, layout.faces.heading])]
  const fonts = resolveFonts(context.templatesDir, families)
  // The memo sets regular and bold: its body's regular and bold, its headings' bold.
  const fontFaces = webFontFaces(context.templatesDir, families, ['normal', 'bold'])
  const css = await readFile(path.join(context.templatesDir, 'memo', 'memo.css'), 'utf8')
  const outputs: OutputFile[] = []
  for (const template of templates) {
    const selection = selectContent(file, tree, report, template)
    if (selection.problems > 0) continue
    const header = memoHeader(template, context.isoDate, report.meta.language, context.memoOverrides)
    const fit = await fitMemo({ template, selection, meta: report.meta, header, layout, fonts, date: context.date })
    if (!fit.fits) {
      reportOverflow(file, template, fit.overflow, selection.recommendations.length)
      continue
    }
    const base = `memos/${context.name}.${template.id}`
    outputs.push(
      { path: `${base}.pdf`, data: fit.pdf.bytes },
      { path: `${base}.docx`, data: await packDocx(toDocx(fit.content, layout, fonts), context.date) },
      { path: `${base}.html`, data: await inlineNpmUrls(toHtml(fit.content, layout, fonts, fontFaces, css)) }
    )
  }
  return outputs
}

/** A fatal message at the template's `select`: how far over, and what to cut. */
function reportOverflow(file: VFile, template: MemoTemplate, overflow: Overflow, selected: number): void {
  const inches = (overflow.points / 72).toFixed(1)
  const cut = selected - overflow.recommendationsThatFit
  const findings = overflow.condensing.findings
  const reason =
    `Memo \`${template.id}\` overflows one page by ${inches}in (about ${overflow.lines} lines) even condensed to ` +
    `“${overflow.condensing.step.name}” with ${findings} finding${findings === 1 ? '' : 's'}; ` +
    `it selects ${selected} recommendations and a page holds ${overflow.recommendationsThatFit}: ` +
    `cut at least ${cut} (list the ones to keep in \`select.ids\`, or narrow \`select\`)`
  templateProblem(file, template.path, reason, template.places.get('select'), 'memo-overflow')
}
