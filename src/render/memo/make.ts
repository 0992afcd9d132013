import { cjkFaces, resolveFonts, type FontFaces } from '../../fonts.js'
import { inlineAssets } from '../html/inline-assets.js'
import type { TemplateLayers } from '../../templates.js'
import { cjkLanguageOf, cjkRegionalTag, cjkSegments, hanLanguage } from '../../text.js'
import type { OutputFile, RenderContext } from '../../types.js'
import { packDocx } from '../docx/pack.js'
import { fitMemo, type FitInput, type Overflow } from './fit.js'
import { toDocx, type EastAsianFace } from './to-docx.js'
import { toHtml } from './to-html.js'
import type { MemoContent } from './types.js'

/** A memo to make: what its fit is given (its definition and layout among it), the faces and stylesheet its files are made with, and the key they are kept by. */
export interface MemoSource {
  input: FitInput
  fonts: Record<string, FontFaces>
  css: string
  /** The web faces' rules of its HTML. */
  fontFaces: string
  key: string
}

/**
 * A memo fitted to its page, then written as PDF, DOCX and HTML with the
 * same content (`memos/NAME.ID.pdf|docx|html`); or how far it overflows.
 */
export async function makeMemo(memo: MemoSource, context: RenderContext): Promise<{ files: OutputFile[] } | { overflow: Overflow }> {
  const { input, fonts } = memo
  const { definition, layout } = input
  const fit = await fitMemo(input)
  if (!fit.fits) return { overflow: fit.overflow }
  const base = `memos/${context.name}.${definition.id}`
  // Where the site lists it: by whom it is for, dated as its DATE line.
  const listed = { title: fit.content.header.to, date: fit.content.header.date }
  return {
    files: [
      { path: `${base}.pdf`, data: await fit.print(), ...listed },
      { path: `${base}.docx`, data: await packDocx(toDocx(fit.content, layout, fonts, eastAsianFace(context.templates, fit.content)), context.date, { language: fit.content.language }), ...listed },
      { path: `${base}.html`, data: await inlineAssets(toHtml(fit.content, layout, fonts, memo.fontFaces, memo.css)), ...listed }
    ]
  }
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
