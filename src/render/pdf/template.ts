import type { OrderedListType, Style, StyleDictionary } from 'pdfmake/interfaces.js'
import type { VFile } from 'vfile'
import { loadTemplateData, type TemplateShape } from '../../template-data.js'

/** The print edition's look: `templates/pdf/template.json`. Lengths in points. */
export interface PdfTemplate {
  page: {
    /** Default paper, one of `sizes`. */
    paper: string
    /** Paper names the build accepts (`letter`, `a4`) and their size. */
    sizes: Record<string, { width: number; height: number }>
    margins: { left: number; top: number; right: number; bottom: number }
    /** Start each top-level section on a new page. */
    chapterBreak: boolean
  }
  fonts: {
    text: string
    display: string
    code: string
    /** Families tried, in order, for characters the main faces lack; CJK text tries its language's first (`language` in fonts.json). Loaded only when needed. */
    fallback: string[]
  }
  colors: Record<'text' | 'accent' | 'muted' | 'rule' | 'link' | 'codeBackground' | 'quoteRule' | 'tableHeader' | 'tableRule', string>
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
  cover: { topSpace: number; bottomSpace: number }
  image: { maxHeightRatio: number }
  /** Words the edition prints itself, in the report's language. */
  labels: { contents: string; authors: string; advisers: string }
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

/** dossier's print template: what `templates/pdf/template.json` ships, and what a templates folder's own is merged over. */
export const pdfTemplateDefaults: PdfTemplate = {
  page: {
    paper: 'letter',
    sizes: { letter: { width: 612, height: 792 }, a4: { width: 595.28, height: 841.89 } },
    margins: { left: 78, top: 84, right: 78, bottom: 78 },
    chapterBreak: true
  },
  fonts: { text: 'Source Serif 4', display: 'Source Sans 3', code: 'Source Code Pro', fallback: ['Noto Sans KR', 'Noto Sans JP', 'Noto Sans SC', 'Noto Sans TC'] },
  colors: {
    text: '#1d1d1f',
    accent: '#8a1c2b',
    muted: '#5b6169',
    rule: '#b9bdc3',
    link: '#1d4f7a',
    codeBackground: '#f2f2f0',
    quoteRule: '#8a1c2b',
    tableHeader: '#ebe8e4',
    tableRule: '#c8c4bf'
  },
  header: { offset: 40, rule: 0.5, ruleGap: 4 },
  footer: { offset: 34 },
  footnotes: { space: 12, ruleWidth: 108, rule: 0.5, gap: 8, afterMark: '  ' },
  rules: { cover: 2, thematic: 0.5, quote: 2, table: 0.5, tableFrame: 1 },
  padding: { quote: 12, code: 10, codeVertical: 5 },
  list: { numbering: ['decimal', 'lower-alpha', 'lower-roman'] },
  cover: { topSpace: 120, bottomSpace: 90 },
  labels: { contents: 'Contents', authors: 'Authors', advisers: 'Senior advisers' },
  image: { maxHeightRatio: 0.6 },
  defaultStyle: { font: 'Source Serif 4', fontSize: 10.5, lineHeight: 1.32, color: '#1d1d1f' },
  styles: {
    paragraph: { margin: [0, 0, 0, 8], alignment: 'left' },
    h1: { font: 'Source Sans 3', fontSize: 22, bold: true, color: '#8a1c2b', margin: [0, 0, 0, 16], lineHeight: 1.1 },
    h2: { font: 'Source Sans 3', fontSize: 15, bold: true, color: '#1d1d1f', margin: [0, 14, 0, 8], lineHeight: 1.15 },
    h3: { font: 'Source Sans 3', fontSize: 12.5, bold: true, color: '#1d1d1f', margin: [0, 12, 0, 6] },
    h4: { font: 'Source Sans 3', fontSize: 11, bold: true, color: '#5b6169', margin: [0, 10, 0, 4] },
    h5: { font: 'Source Sans 3', fontSize: 10.5, bold: true, italics: true, margin: [0, 8, 0, 4] },
    h6: { font: 'Source Sans 3', fontSize: 10.5, italics: true, margin: [0, 8, 0, 4] },
    list: { margin: [0, 0, 0, 8] },
    listItem: { margin: [0, 0, 0, 6], alignment: 'left' },
    lead: { bold: true },
    quote: { italics: true, color: '#5b6169' },
    codeBlock: { fontSize: 9, lineHeight: 1.2, color: '#1d1d1f' },
    inlineCode: { fontSize: 9.5, background: '#f2f2f0' },
    link: { color: '#1d4f7a' },
    tableHeader: { font: 'Source Sans 3', fontSize: 9, bold: true },
    tableCell: { font: 'Source Sans 3', fontSize: 9, lineHeight: 1.2 },
    footnoteMark: { color: '#8a1c2b' },
    footnote: { fontSize: 8.5, lineHeight: 1.2, alignment: 'left' },
    caption: { font: 'Source Sans 3', fontSize: 8.5, italics: true, color: '#5b6169', margin: [0, 4, 0, 10] },
    runningHead: { font: 'Source Sans 3', fontSize: 8.5, color: '#5b6169' },
    pageNumber: { font: 'Source Sans 3', fontSize: 9, color: '#5b6169' },
    coverOrganization: { font: 'Source Sans 3', fontSize: 11, bold: true, color: '#8a1c2b', characterSpacing: 0.6 },
    coverTitle: { font: 'Source Sans 3', fontSize: 34, bold: true, lineHeight: 0.95, margin: [0, 18, 0, 8] },
    coverSubtitle: { font: 'Source Serif 4', fontSize: 18, italics: true, color: '#5b6169', margin: [0, 0, 0, 28] },
    coverAbstract: { font: 'Source Serif 4', fontSize: 11, lineHeight: 1.35, margin: [0, 14, 0, 0] },
    coverLabel: { font: 'Source Sans 3', fontSize: 8.5, bold: true, color: '#5b6169', characterSpacing: 0.8, margin: [0, 14, 0, 3] },
    coverNames: { font: 'Source Serif 4', fontSize: 12, lineHeight: 1.3 },
    coverDate: { font: 'Source Sans 3', fontSize: 11, color: '#5b6169' },
    tocTitle: { font: 'Source Sans 3', fontSize: 22, bold: true, color: '#8a1c2b', margin: [0, 0, 0, 20] },
    tocEntry1: { font: 'Source Sans 3', fontSize: 11, bold: true, margin: [0, 6, 0, 2] },
    tocEntry2: { font: 'Source Sans 3', fontSize: 10, margin: [14, 1, 0, 1] },
    tocNumber: { font: 'Source Sans 3', fontSize: 10 }
  }
}

/** What the defaults cannot say: paper names and style names are the template's to choose; a style takes any pdfmake property. */
const shape: TemplateShape = {
  dictionaries: { 'page.sizes': { width: 0, height: 0 }, styles: {} },
  free: ['defaultStyle', 'styles.*'],
  choices: { 'list.numbering.*': ['decimal', 'lower-alpha', 'upper-alpha', 'lower-roman', 'upper-roman', 'none'] }
}

/**
 * Read `pdf/template.json` from `templatesDir` over the defaults. A broken
 * one is reported on `file`, naming the template; then undefined.
 */
export function loadPdfTemplate(file: VFile, templatesDir: string): Promise<PdfTemplate | undefined> {
  return loadTemplateData(file, templatesDir, 'pdf/template.json', pdfTemplateDefaults, { format: 'pdf', shape })
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
