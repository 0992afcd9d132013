import type { Root } from 'mdast'
import type { VFile } from 'vfile'
import { cjkFaces, resolveFonts, webFontFaces } from '../../fonts.js'
import { inlineAssets } from '../html/inline-assets.js'
import { reportData } from '../../pipeline.js'
import { readTemplate, templateFile, type TemplateLayers } from '../../templates.js'
import { cjkLanguageOf, cjkRegionalTag, cjkSegments, hanLanguage } from '../../text.js'
import type { OutputFile, RenderContext, Renderer, ReportItem } from '../../types.js'
import { packDocx } from '../docx/pack.js'
import { memoHeader } from './content.js'
import { pdfFaces } from './fallback-faces.js'
import { loadMemoDefinitions } from './definitions.js'
import { fitMemo, type FitInput, type Overflow, type PartHeight } from './fit.js'
import { keepMemo, keptMemo, keyedItem, memoKey } from './kept.js'
import { loadMemoLayout } from './layout.js'
import { templateProblem } from './problems.js'
import { selectContent } from './select.js'
import { toDocx, type EastAsianFace } from './to-docx.js'
import { toHtml } from './to-html.js'
import type { MemoContent, MemoDefinition } from './types.js'

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
      const { definition, layout, fonts } = memo
      const fit = await fitMemo(memo.input)
      if (!fit.fits) {
        reportOverflow(file, definition, fit.overflow, memo.input.selection.recommendations, layout.type.body * layout.type.leading)
        continue
      }
      const base = `memos/${context.name}.${definition.id}`
      // Where the site lists it: by whom it is for, dated as its DATE line.
      const listed = { title: fit.content.header.to, date: fit.content.header.date }
      const files = [
        { path: `${base}.pdf`, data: await fit.print(), ...listed },
        { path: `${base}.docx`, data: await packDocx(toDocx(fit.content, layout, fonts, eastAsianFace(context.templates, fit.content)), context.date, { language: fit.content.language }), ...listed },
        { path: `${base}.html`, data: await inlineAssets(toHtml(fit.content, layout, fonts, memo.fontFaces, memo.css)), ...listed }
      ]
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
      const fit = await fitMemo(memo.input)
      if (!fit.fits) reportOverflow(file, memo.definition, fit.overflow, memo.input.selection.recommendations, memo.layout.type.body * memo.layout.type.leading)
    }
  }
}

/**
 * Each memo of the report that selects without problems (each problem is
 * reported): what its fit is given, the layout, faces and stylesheet its
 * files are made with, and the key of all of that (`memoKey`).
 */
async function* memoSources(tree: Root, file: VFile, context: RenderContext) {
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
  for (const definition of definitions) {
    const selection = selectContent(file, tree, report, definition)
    if (selection.problems > 0) continue
    const header = memoHeader(definition, report.meta.date ?? '', report.meta.language, context.memoOverrides)
    // The memos sit in `memos/` beside the web edition.
    const input: FitInput = { definition, selection, meta: report.meta, header, layout, faces, date: context.date, reportHtml: `../${context.name}.html` }
    const { places: _, path: __, ...said } = definition
    const made = {
      definition: said,
      selection: { ...selection, findings: selection.findings.map(keyedItem), recommendations: selection.recommendations.map(keyedItem) },
      meta: report.meta,
      header,
      layout: { ...layout, path: undefined },
      date: context.date,
      name: context.name,
      css,
      fontFaces,
      cjk: cjkFaces(context.templates)
    }
    yield { definition, layout, fonts, css, fontFaces, input, key: memoKey(made, faces.fonts) }
  }
}

/** A fatal message at the definition's `select`: how far over, what takes the room, and what to cut. */
function reportOverflow(file: VFile, definition: MemoDefinition, overflow: Overflow, recommendations: ReportItem[], line: number): void {
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

/**
 * The face a memo's Word file sets its CJK text in, when it has any: that of
 * the memo's language, else of the language its Han is read in. Embedded
 * (as a subset) like the memo's own faces, so Word need not guess one.
 */
function eastAsianFace(templates: TemplateLayers, memo: MemoContent): EastAsianFace | undefined {
  const text = JSON.stringify(memo)
  const han = hanLanguage(memo.language, text)
  if (!cjkSegments(text, han).some(([, language]) => language)) return undefined
  const language = cjkLanguageOf(memo.language) ?? han
  const family = cjkFaces(templates)[language]
  return family ? { family, faces: resolveFonts(templates, [family])[family], language: cjkRegionalTag[language] } : undefined
}
