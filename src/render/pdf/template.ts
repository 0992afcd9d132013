import { readFile } from 'node:fs/promises'
import path from 'node:path'
import type { Style, StyleDictionary } from 'pdfmake/interfaces.js'

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
    /** Families tried, in order, for characters the main faces lack. Loaded only when needed. */
    fallback: string[]
  }
  colors: Record<'text' | 'accent' | 'muted' | 'rule' | 'link' | 'codeBackground' | 'quoteRule' | 'tableHeader' | 'tableRule', string>
  /** Running head: its distance from the top edge, its rule and the rule's distance below it. */
  header: { offset: number; rule: number; ruleGap: number }
  /** Folio: its distance below the text block. */
  footer: { offset: number }
  /** Room kept above the notes' rule, the rule, and the room between rule and notes. */
  footnotes: { space: number; ruleWidth: number; rule: number; gap: number }
  rules: { cover: number; thematic: number; quote: number }
  /** Inner space of block quotes (left of the text) and code blocks. */
  padding: { quote: number; code: number }
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

/** Read the template. */
export async function loadTemplate(templatesDir: string): Promise<PdfTemplate> {
  return JSON.parse(await readFile(path.join(templatesDir, 'pdf', 'template.json'), 'utf8')) as PdfTemplate
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
