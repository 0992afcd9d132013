import type { OrderedListType, Style, StyleDictionary } from 'pdfmake/interfaces.js'
import type { VFile } from 'vfile'
import { designTokens } from '../../design.js'
import { naturalLineHeight, type FontFaces } from '../../fonts.js'
import { ownWords } from '../../labels.js'
import { loadTemplateData, type TemplateShape, type WithTokens } from '../../template-data.js'
import type { RenderContext } from '../../types.js'

/** The print edition's look: `templates/pdf/template.json`. Lengths in points. */
export interface PdfTemplate {
  page: {
    /** Default paper, one of `sizes`. */
    paper: string
    /** Paper names the build accepts (`letter`, `a4`) and their size. */
    sizes: Record<string, { width: number; height: number }>
    margins: { left: number; top: number; right: number; bottom: number }
    /** Start each top-level section on a new page; otherwise it runs on, after its heading's space above. */
    chapterBreak: boolean
  }
  fonts: {
    text: string
    display: string
    code: string
    /** Families tried, in order, for characters the main faces lack; CJK text tries its language's first (`language` in fonts.json). Loaded only when needed. */
    fallback: string[]
  }
  colors: Record<'text' | 'heading' | 'accent' | 'muted' | 'rule' | 'link' | 'codeBackground' | 'quoteRule' | 'tableHeader' | 'tableRule', string>
  /** Running head: its distance from the top edge, its rule and the rule's distance below it. */
  header: { offset: number; rule: number; ruleGap: number }
  /** Folio: its distance below the text block. */
  footer: { offset: number }
  /** Room kept above the notes' rule, the rule, the room between rule and notes, and the space after a note's number. */
  footnotes: { space: number; ruleWidth: number; rule: number; gap: number; afterMark: string }
  /** Rule widths; `tableFrame` above and below a table's header row and at its foot, `table` between rows. */
  rules: { cover: number; thematic: number; quote: number; table: number; tableFrame: number }
  /** Inner space of block quotes (left of the text) and code blocks (left and right; `codeVertical` above and below). */
  padding: { quote: number; code: number; codeVertical: number }
  /** Ordered lists' numbering by depth, repeating past the last. */
  list: { numbering: OrderedListType[] }
  /**
   * The contents: sections with their subsections, and with `items` the
   * findings, objectives and recommendations under their sections; a
   * `leader` character repeated, `leaderSpacing` apart, up to the page
   * number in a column `numberWidth` wide.
   */
  contents: { items: boolean; leader: string; leaderSpacing: number; numberWidth: number }
  cover: { topSpace: number; bottomSpace: number }
  image: { maxHeightRatio: number }
  /** Words the edition prints itself, in the report's language (empty: labels.json's); `footnote` is read aloud for a note's mark (“Footnote 3”). */
  labels: { contents: string; authors: string; advisers: string; footnote: string }
  /** Styles as pdfmake takes them, except `lineHeight`: baseline to baseline as a multiple of the type size, as in CSS. */
  defaultStyle: Style
  styles: StyleDictionary
}

/** A template with its paper chosen: the page's width and height in points. */
export interface PageGeometry {
  width: number
  height: number
  margins: PdfTemplate['page']['margins']
  /** Width of the text block. */
  textWidth: number
  textHeight: number
}

/** dossier's print template: what `templates/pdf/template.json` ships, and what a templates folder's own is merged over. Values in braces are tokens of `templates/design.json`. */
export const pdfTemplateDefaults: WithTokens<PdfTemplate> = {
  page: {
    paper: 'letter',
    sizes: { letter: { width: 612, height: 792 }, a4: { width: 595.28, height: 841.89 } },
    margins: { left: '{page.margin}', top: 84, right: '{page.margin}', bottom: 78 },
    chapterBreak: false
  },
  fonts: { text: '{face.text}', display: '{face.display}', code: '{face.code}', fallback: ['Noto Sans KR', 'Noto Sans JP', 'Noto Sans SC', 'Noto Sans TC'] },
  colors: {
    text: '{color.text}',
    heading: '{color.heading}',
    accent: '{color.accent}',
    muted: '{color.muted}',
    rule: '{color.rule}',
    link: '{color.link}',
    codeBackground: '{color.codeBackground}',
    quoteRule: '{color.accent}',
    tableHeader: '{color.tableHeader}',
    tableRule: '{color.tableRule}'
  },
  header: { offset: 40, rule: 0.5, ruleGap: 4 },
  footer: { offset: 34 },
  footnotes: { space: 12, ruleWidth: 108, rule: 0.5, gap: 8, afterMark: '  ' },
  rules: { cover: 2, thematic: 0.5, quote: 2, table: 0.5, tableFrame: 1 },
  padding: { quote: 12, code: 10, codeVertical: 5 },
  list: { numbering: ['decimal', 'lower-alpha', 'lower-roman'] },
  contents: { items: true, leader: '.', leaderSpacing: 2.5, numberWidth: 28 },
  cover: { topSpace: 120, bottomSpace: 90 },
  labels: { contents: '', authors: '', advisers: '', footnote: '' },
  image: { maxHeightRatio: 0.6 },
  defaultStyle: { font: '{face.text}', fontSize: '{size.body}', lineHeight: '{leading.body}', color: '{color.text}' },
  styles: {
    paragraph: { margin: [0, 0, 0, '{space.paragraph}'], alignment: 'left' },
    h1: { font: '{face.display}', fontSize: '{size.h1}', bold: true, color: '{color.heading}', margin: [0, '{space.section}', 0, '{space.afterHeading}'], lineHeight: '{leading.heading}' },
    h2: { font: '{face.display}', fontSize: '{size.h2}', bold: true, color: '{color.heading}', margin: [0, 16, 0, 6], lineHeight: '{leading.heading}' },
    h3: { font: '{face.display}', fontSize: '{size.h3}', bold: true, color: '{color.heading}', margin: [0, 12, 0, 4], lineHeight: '{leading.heading}' },
    h4: { font: '{face.display}', fontSize: '{size.h4}', bold: true, color: '{color.heading}', margin: [0, 10, 0, 4], lineHeight: '{leading.heading}' },
    h5: { font: '{face.display}', fontSize: '{size.body}', bold: true, italics: true, color: '{color.heading}', margin: [0, 8, 0, 4], lineHeight: '{leading.heading}' },
    h6: { font: '{face.display}', fontSize: '{size.body}', italics: true, color: '{color.heading}', margin: [0, 8, 0, 4], lineHeight: '{leading.heading}' },
    list: { margin: [0, 0, 0, '{space.paragraph}'] },
    listItem: { margin: [0, 0, 0, '{space.item}'], alignment: 'left' },
    lead: { bold: true, color: '{color.lead}' },
    quote: { italics: true, color: '{color.muted}' },
    codeBlock: { fontSize: '{size.small}', lineHeight: '{leading.tight}', color: '{color.text}' },
    inlineCode: { fontSize: 9.5, background: '{color.codeBackground}' },
    link: { color: '{color.link}' },
    tableHeader: { font: '{face.display}', fontSize: '{size.small}', bold: true, lineHeight: '{leading.tight}' },
    tableCell: { font: '{face.display}', fontSize: '{size.small}', lineHeight: '{leading.tight}' },
    footnoteMark: { color: '{color.accent}' },
    footnote: { fontSize: '{size.note}', lineHeight: '{leading.tight}', alignment: 'left' },
    caption: { font: '{face.display}', fontSize: '{size.note}', italics: true, color: '{color.muted}', margin: [0, 4, 0, 10], lineHeight: '{leading.tight}' },
    tableCaption: { font: '{face.display}', fontSize: '{size.note}', italics: true, color: '{color.muted}', margin: [0, 6, 0, 4], lineHeight: '{leading.tight}' },
    runningHead: { font: '{face.display}', fontSize: '{size.note}', color: '{color.muted}', lineHeight: 1 },
    pageNumber: { font: '{face.display}', fontSize: '{size.small}', color: '{color.muted}', lineHeight: 1 },
    coverOrganization: { font: '{face.display}', fontSize: 11, bold: true, color: '{color.accent}', characterSpacing: 0.6, lineHeight: '{leading.heading}' },
    coverTitle: { font: '{face.display}', fontSize: '{size.title}', bold: true, color: '{color.heading}', lineHeight: 1.05, margin: [0, 18, 0, 8] },
    coverSubtitle: { font: '{face.text}', fontSize: '{size.subtitle}', italics: true, color: '{color.muted}', margin: [0, 0, 0, 28], lineHeight: '{leading.heading}' },
    coverAbstract: { font: '{face.text}', fontSize: '{size.body}', lineHeight: '{leading.body}', margin: [0, 14, 0, 0] },
    coverLabel: { font: '{face.display}', fontSize: '{size.note}', bold: true, color: '{color.muted}', characterSpacing: 0.8, margin: [0, 14, 0, 3] },
    coverNames: { font: '{face.text}', fontSize: 12, lineHeight: '{leading.body}' },
    coverDate: { font: '{face.display}', fontSize: 11, color: '{color.muted}' },
    imprint: { font: '{face.display}', fontSize: '{size.small}', lineHeight: '{leading.body}', color: '{color.muted}', margin: [0, 0, 0, 8] },
    imprintOrganization: { font: '{face.display}', fontSize: '{size.small}', bold: true, color: '{color.text}', margin: [0, 0, 0, 2] },
    tocTitle: { font: '{face.display}', fontSize: '{size.h1}', bold: true, color: '{color.heading}', margin: [0, 0, 0, 20], lineHeight: '{leading.heading}' },
    tocEntry1: { font: '{face.display}', fontSize: 11, bold: true, color: '{color.heading}', margin: [0, 9, 0, 2], lineHeight: '{leading.heading}' },
    tocEntry2: { font: '{face.display}', fontSize: 10, margin: [14, 1, 0, 1], lineHeight: '{leading.heading}' },
    tocItem: { font: '{face.display}', fontSize: '{size.small}', color: '{color.muted}', margin: [14, 1, 0, 1], lineHeight: '{leading.heading}' }
  }
}

/** What the defaults cannot say: paper names and style names are the template's to choose; a style takes any pdfmake property. */
const shape: TemplateShape = {
  dictionaries: { 'page.sizes': { width: 0, height: 0 }, styles: {} },
  free: ['defaultStyle', 'styles.*'],
  choices: { 'list.numbering.*': ['decimal', 'lower-alpha', 'upper-alpha', 'lower-roman', 'upper-roman', 'none'] }
}

/**
 * Read `pdf/template.json` from each template layer over the defaults. A broken
 * one is reported on `file`, naming the template; then undefined.
 */
export async function loadPdfTemplate(file: VFile, context: Pick<RenderContext, 'templates' | 'design' | 'labels'>): Promise<PdfTemplate | undefined> {
  const template = await loadTemplateData<PdfTemplate>(file, context.templates, 'pdf/template.json', pdfTemplateDefaults, { format: 'pdf', shape, tokens: designTokens(context.design) })
  return template && { ...template, labels: ownWords(template.labels, context.labels) }
}

/**
 * The template's styles as pdfmake takes them. pdfmake multiplies
 * `lineHeight` by the face's own line height (ascent to descent, about 1.37
 * for Source Serif), so the template's leading, a multiple of the type
 * size, is divided by it; a style that names a face but no leading gets the
 * default leading in its face.
 */
export function pdfmakeStyles(template: PdfTemplate, families: Record<string, FontFaces>): { defaultStyle: Style; styles: StyleDictionary } {
  const natural = (font: unknown) => {
    const faces = families[String(font)]
    return faces ? naturalLineHeight(faces.normal) : 1
  }
  const base = template.defaultStyle
  const convert = (style: Style): Style => {
    const leading = style.lineHeight ?? (style.font !== undefined ? base.lineHeight : undefined)
    if (leading === undefined) return style
    return { ...style, lineHeight: leading / natural(style.font ?? base.font) }
  }
  return {
    defaultStyle: convert(base),
    styles: Object.fromEntries(Object.entries(template.styles).map(([name, style]) => [name, convert(style)]))
  }
}

/** A style's line, baseline to baseline, in points: what `pdfmakeStyles` sets it to. */
export function lineHeightOf(template: PdfTemplate, name: string): number {
  const style = template.styles[name] ?? {}
  const base = template.defaultStyle
  return (style.fontSize ?? base.fontSize ?? 12) * (style.lineHeight ?? base.lineHeight ?? 1)
}

/** The page for a paper name (`a4`, `letter`); the template's own paper when none is given. */
export function pageGeometry(template: PdfTemplate, paper = template.page.paper): PageGeometry {
  const size = template.page.sizes[paper.toLowerCase()]
  if (!size) throw new Error(`Unknown paper \`${paper}\`, expected one of ${Object.keys(template.page.sizes).join(', ')}`)
  const { margins } = template.page
  return {
    ...size,
    margins,
    textWidth: size.width - margins.left - margins.right,
    textHeight: size.height - margins.top - margins.bottom
  }
}
