import {
  AlignmentType,
  BorderStyle,
  LevelFormat,
  LineRuleType,
  type ICharacterStyleOptions,
  type INumberingOptions,
  type IParagraphStyleOptions,
  type IStylesOptions
} from 'docx'
import type { VFile } from 'vfile'
import { designTokens } from '../../design.js'
import { ownWords } from '../../labels.js'
import { loadTemplateData, type TemplateShape, type WithTokens } from '../../template-data.js'
import type { RenderContext } from '../../types.js'

/** A run's look in the style dictionary: sizes in points, colours and faces by name. */
export interface RunStyleSpec {
  name: string
  basedOn?: string
  face?: string
  size?: number
  bold?: boolean
  italic?: boolean
  underline?: boolean
  superScript?: boolean
  color?: string
}

export interface ParagraphStyleSpec extends RunStyleSpec {
  next?: string
  alignment?: 'left' | 'center' | 'right' | 'both'
  /**
   * Points. `leading` is baseline to baseline as a multiple of the type
   * size, as in the PDF and CSS (set exactly); `line` a multiple of Word's
   * single spacing, which is the face's own line height.
   */
  spacing?: { before?: number; after?: number; line?: number; leading?: number }
  indent?: { left?: number; right?: number; firstLine?: number; hanging?: number }
  keepNext?: boolean
  keepLines?: boolean
  /** Word's widow and orphan control: no paragraph leaves one line alone at a page's foot or head. */
  widowControl?: boolean
  pageBreakBefore?: boolean
  outlineLevel?: number
  borderBottom?: { size: number; color: string }
}

/** `templates/docx/styles.json`, as the Word edition reads it. */
export interface DocxTemplate {
  page: {
    width: string
    height: string
    /** Lengths with a unit (`1in`), or points. */
    margin: Record<'top' | 'right' | 'bottom' | 'left' | 'header' | 'footer', string | number>
  }
  /** Face roles (`body`, `heading`, `eastAsia`, `code`) to font families. */
  faces: Record<string, string>
  /** Face roles whose fonts are embedded in the document. */
  embed: string[]
  eastAsiaLanguage: string
  colors: Record<string, string>
  labels: Record<'contents' | 'authors' | 'advisers', string>
  toc: { levels: string }
  list: { indent: number; hanging: number; ordered: string[]; bullet: string[]; task: { done: string; open: string } }
  table: { border: number; borderColor: string; headerFill: string; cellMargin: number; columnChars: { min: number; max: number } }
  /** Figures: the tallest, and the resolution of the PNG that stands in for an SVG where Word cannot draw one. */
  image: { maxHeight: string; svgFallbackDpi: number }
  paragraphStyles: Record<string, ParagraphStyleSpec>
  characterStyles: Record<string, RunStyleSpec>
}

/** dossier's Word template: what `templates/docx/styles.json` ships, and what a templates folder's own is merged over. Values in braces are tokens of `templates/design.json`. */
export const docxTemplateDefaults: WithTokens<DocxTemplate> = {
  page: { width: '8.5in', height: '11in', margin: { top: 84, right: '{page.margin}', bottom: 78, left: '{page.margin}', header: 40, footer: 36 } },
  faces: { body: '{face.text}', heading: '{face.display}', eastAsia: 'Noto Sans KR', code: '{face.code}' },
  embed: ['body', 'heading', 'eastAsia', 'code'],
  eastAsiaLanguage: 'ko-KR',
  colors: {
    text: '{color.text}',
    heading: '{color.heading}',
    lead: '{color.lead}',
    accent: '{color.accent}',
    muted: '{color.muted}',
    link: '{color.link}',
    rule: '{color.rule}',
    tableHeader: '{color.tableHeader}'
  },
  labels: { contents: '', authors: '', advisers: '' },
  toc: { levels: '1-2' },
  list: {
    indent: 22,
    hanging: 18,
    ordered: ['decimal', 'lowerLetter', 'lowerRoman', 'decimal', 'lowerLetter', 'lowerRoman'],
    bullet: ['•', '–', '◦', '•', '–', '◦'],
    task: { done: '☒', open: '☐' }
  },
  table: { border: 0.5, borderColor: 'rule', headerFill: 'tableHeader', cellMargin: 4, columnChars: { min: 6, max: 60 } },
  image: { maxHeight: '7in', svgFallbackDpi: 192 },
  paragraphStyles: {
    Normal: { name: 'Normal', face: 'body', size: '{size.body}', color: 'text', spacing: { before: 0, after: '{space.paragraph}', leading: '{leading.body}' }, widowControl: true },
    Title: { name: 'Title', basedOn: 'Normal', next: 'Subtitle', face: 'heading', size: '{size.title}', bold: true, color: 'heading', spacing: { before: 12, after: 8, leading: 1.05 } },
    Subtitle: { name: 'Subtitle', basedOn: 'Normal', next: 'Normal', face: 'body', size: '{size.subtitle}', italic: true, color: 'muted', spacing: { before: 0, after: 28, leading: '{leading.heading}' } },
    CoverOrganization: { name: 'Cover Organization', basedOn: 'Normal', face: 'heading', size: 11, bold: true, color: 'accent', spacing: { before: 120, after: 0, leading: '{leading.heading}' } },
    CoverRule: { name: 'Cover Rule', basedOn: 'Normal', size: 4, spacing: { before: 0, after: 6, leading: 1 }, borderBottom: { size: 2, color: 'accent' } },
    CoverLabel: { name: 'Cover Label', basedOn: 'Normal', face: 'heading', size: '{size.note}', bold: true, color: 'muted', spacing: { before: 14, after: 3, leading: '{leading.heading}' } },
    CoverDetail: { name: 'Cover Detail', basedOn: 'Normal', face: 'body', size: 12, spacing: { before: 0, after: 0, leading: '{leading.body}' } },
    CoverDate: { name: 'Cover Date', basedOn: 'Normal', face: 'heading', size: 11, color: 'muted', spacing: { before: 90, after: 0, leading: '{leading.heading}' } },
    ImprintOrganization: { name: 'Imprint Organization', basedOn: 'Normal', face: 'heading', size: '{size.small}', bold: true, spacing: { before: 120, after: 2, leading: '{leading.body}' } },
    Imprint: { name: 'Imprint', basedOn: 'Normal', face: 'heading', size: '{size.small}', color: 'muted', spacing: { before: 0, after: 8, leading: '{leading.body}' } },
    TOCHeading: { name: 'TOC Heading', basedOn: 'Normal', next: 'Normal', face: 'heading', size: '{size.h1}', bold: true, color: 'heading', spacing: { before: 0, after: 20, leading: '{leading.heading}' }, pageBreakBefore: true },
    TOC1: { name: 'toc 1', basedOn: 'Normal', next: 'Normal', face: 'heading', size: 11, bold: true, color: 'heading', spacing: { before: 9, after: 2, leading: '{leading.heading}' } },
    TOC2: { name: 'toc 2', basedOn: 'Normal', next: 'Normal', face: 'heading', size: 10, indent: { left: 14 }, spacing: { before: 1, after: 1, leading: '{leading.heading}' } },
    TOC3: { name: 'toc 3', basedOn: 'Normal', next: 'Normal', face: 'heading', size: '{size.small}', indent: { left: 28 }, spacing: { before: 1, after: 1, leading: '{leading.heading}' } },
    Heading1: { name: 'heading 1', basedOn: 'Normal', next: 'Normal', face: 'heading', size: '{size.h1}', bold: true, color: 'heading', spacing: { before: '{space.section}', after: '{space.afterHeading}', leading: '{leading.heading}' }, keepNext: true, keepLines: true, outlineLevel: 0 },
    Heading2: { name: 'heading 2', basedOn: 'Normal', next: 'Normal', face: 'heading', size: '{size.h2}', bold: true, color: 'heading', spacing: { before: 16, after: 6, leading: '{leading.heading}' }, keepNext: true, keepLines: true, outlineLevel: 1 },
    Heading3: { name: 'heading 3', basedOn: 'Normal', next: 'Normal', face: 'heading', size: '{size.h3}', bold: true, color: 'heading', spacing: { before: 12, after: 4, leading: '{leading.heading}' }, keepNext: true, keepLines: true, outlineLevel: 2 },
    Heading4: { name: 'heading 4', basedOn: 'Normal', next: 'Normal', face: 'heading', size: '{size.h4}', bold: true, color: 'heading', spacing: { before: 10, after: 4, leading: '{leading.heading}' }, keepNext: true, keepLines: true, outlineLevel: 3 },
    Heading5: { name: 'heading 5', basedOn: 'Normal', next: 'Normal', face: 'heading', size: '{size.body}', bold: true, italic: true, color: 'heading', spacing: { before: 8, after: 4, leading: '{leading.heading}' }, keepNext: true, keepLines: true, outlineLevel: 4 },
    Heading6: { name: 'heading 6', basedOn: 'Normal', next: 'Normal', face: 'heading', size: '{size.body}', italic: true, color: 'heading', spacing: { before: 8, after: 4, leading: '{leading.heading}' }, keepNext: true, keepLines: true, outlineLevel: 5 },
    Quote: { name: 'Quote', basedOn: 'Normal', next: 'Normal', italic: true, color: 'muted', spacing: { before: 4, after: 8 }, indent: { left: 28, right: 28 } },
    ListParagraph: { name: 'List Paragraph', basedOn: 'Normal', spacing: { before: 0, after: '{space.item}' } },
    ListContinue: { name: 'List Continue', basedOn: 'ListParagraph', indent: { left: 22 } },
    ListContinue2: { name: 'List Continue 2', basedOn: 'ListParagraph', indent: { left: 44 } },
    ListContinue3: { name: 'List Continue 3', basedOn: 'ListParagraph', indent: { left: 66 } },
    FootnoteText: { name: 'footnote text', basedOn: 'Normal', size: '{size.note}', spacing: { before: 0, after: 2, leading: '{leading.tight}' } },
    Header: { name: 'header', basedOn: 'Normal', face: 'heading', size: '{size.note}', color: 'muted', spacing: { before: 0, after: 0, leading: 1.2 } },
    Footer: { name: 'footer', basedOn: 'Normal', face: 'heading', size: '{size.small}', color: 'muted', alignment: 'center', spacing: { before: 0, after: 0, leading: 1.2 } },
    TableText: { name: 'Table Text', basedOn: 'Normal', face: 'heading', size: '{size.small}', spacing: { before: 0, after: 0, leading: '{leading.tight}' } },
    TableHeading: { name: 'Table Heading', basedOn: 'TableText', face: 'heading', bold: true, keepNext: true },
    Caption: { name: 'caption', basedOn: 'Normal', next: 'Normal', face: 'heading', size: '{size.note}', italic: true, color: 'muted', alignment: 'center', spacing: { leading: '{leading.tight}' } },
    TableCaption: { name: 'Table Caption', basedOn: 'Caption', next: 'TableText', keepNext: true },
    Figure: { name: 'Figure', basedOn: 'Normal', next: 'Caption', alignment: 'center', keepNext: true, spacing: { before: 6, after: 4, line: 1 } },
    SourceCode: { name: 'Source Code', basedOn: 'Normal', face: 'code', size: '{size.small}', spacing: { before: 0, after: 8, leading: '{leading.tight}' }, indent: { left: 14 } },
    HorizontalRule: { name: 'Horizontal Rule', basedOn: 'Normal', next: 'Normal', size: 4, spacing: { before: 6, after: 12, leading: 1 }, borderBottom: { size: 0.75, color: 'rule' } }
  },
  characterStyles: {
    ItemLead: { name: 'Item Lead', bold: true, color: 'lead' },
    Hyperlink: { name: 'Hyperlink', color: 'link', underline: true },
    FootnoteReference: { name: 'footnote reference', superScript: true },
    Strong: { name: 'Strong', bold: true },
    Emphasis: { name: 'Emphasis', italic: true },
    SourceCodeChar: { name: 'Source Code Char', face: 'code', size: 9.5 }
  }
}

/** Every key a style may have, for checking a template's styles. */
const runStyleKeys: Required<RunStyleSpec> = { name: '', basedOn: '', face: '', size: 0, bold: false, italic: false, underline: false, superScript: false, color: '' }
const paragraphStyleKeys: Required<ParagraphStyleSpec> = {
  ...runStyleKeys,
  next: '',
  alignment: 'left',
  spacing: { before: 0, after: 0, line: 0, leading: 0 },
  indent: { left: 0, right: 0, firstLine: 0, hanging: 0 },
  keepNext: false,
  keepLines: false,
  widowControl: false,
  pageBreakBefore: false,
  outlineLevel: 0,
  borderBottom: { size: 0, color: '' }
}

/**
 * Read `docx/styles.json` from each template layer over the defaults, so
 * a project restyles only what it names. A broken one is reported on `file`,
 * naming the template; then undefined.
 */
export async function loadDocxTemplate(file: VFile, context: Pick<RenderContext, 'templates' | 'design' | 'labels'>): Promise<DocxTemplate | undefined> {
  const template = await loadTemplateData<DocxTemplate>(file, context.templates, 'docx/styles.json', docxTemplateDefaults, { format: 'docx', shape, tokens: designTokens(context.design) })
  return template && { ...template, labels: ownWords(template.labels, context.labels) }
}

export function stylesFromTemplate(template: DocxTemplate, language: string): IStylesOptions {
  const normal = template.paragraphStyles.Normal
  const paragraphStyles: IParagraphStyleOptions[] = Object.entries(template.paragraphStyles).map(([id, spec]) => ({
    id,
    name: spec.name,
    basedOn: id === 'Normal' ? undefined : spec.basedOn,
    next: spec.next,
    quickFormat: true,
    run: runProperties(template, spec),
    paragraph: paragraphProperties(template, spec, sizeOf(template, id))
  }))
  const characterStyles: ICharacterStyleOptions[] = Object.entries(template.characterStyles).map(([id, spec]) => ({
    id,
    name: spec.name,
    basedOn: spec.basedOn,
    quickFormat: true,
    run: runProperties(template, spec)
  }))
  return {
    default: {
      document: {
        run: {
          font: {
            ascii: face(template, normal.face),
            hAnsi: face(template, normal.face),
            cs: face(template, normal.face),
            eastAsia: template.faces.eastAsia
          },
          language: { value: language, eastAsia: template.eastAsiaLanguage }
        }
      }
    },
    paragraphStyles,
    characterStyles
  }
}

function face(template: DocxTemplate, role: string | undefined): string | undefined {
  if (role === undefined) return undefined
  const family = template.faces[role]
  if (!family) throw new Error(`Unknown face \`${role}\` in templates/docx/styles.json, expected one of ${Object.keys(template.faces).join(', ')}`)
  return family
}

/** A colour by name, as Word writes it: hex without `#`. */
function color(template: DocxTemplate, name: string | undefined): string | undefined {
  if (name === undefined) return undefined
  return (template.colors[name] ?? name).replace(/^#/, '')
}

/** A paragraph style's type size, its own or the one it is based on. */
function sizeOf(template: DocxTemplate, id: string): number {
  const seen = new Set<string>()
  for (let at: string | undefined = id; at && !seen.has(at); at = template.paragraphStyles[at]?.basedOn) {
    seen.add(at)
    const size = template.paragraphStyles[at]?.size
    if (size !== undefined) return size
  }
  return 11
}

function runProperties(template: DocxTemplate, spec: RunStyleSpec) {
  const family = face(template, spec.face)
  return {
    // The East Asian slot stays the document default's, so CJK text keeps its face in every style.
    font: family ? { ascii: family, hAnsi: family, cs: family } : undefined,
    size: spec.size === undefined ? undefined : halfPoints(spec.size),
    bold: spec.bold,
    italics: spec.italic,
    underline: spec.underline ? {} : undefined,
    superScript: spec.superScript,
    color: color(template, spec.color)
  }
}

function paragraphProperties(template: DocxTemplate, spec: ParagraphStyleSpec, size: number) {
  const { leading, line } = spec.spacing ?? {}
  return {
    alignment: spec.alignment === undefined ? undefined : alignments[spec.alignment],
    spacing: spec.spacing && {
      before: spec.spacing.before === undefined ? undefined : twipsOfPoints(spec.spacing.before),
      after: spec.spacing.after === undefined ? undefined : twipsOfPoints(spec.spacing.after),
      // Leading is set exactly, so Word and LibreOffice keep the design's lines whatever the face's own line height.
      line: leading !== undefined ? twipsOfPoints(leading * size) : line === undefined ? undefined : Math.round(line * singleLine),
      lineRule: leading !== undefined ? LineRuleType.EXACT : line === undefined ? undefined : LineRuleType.AUTO
    },
    indent: spec.indent && {
      left: spec.indent.left === undefined ? undefined : twipsOfPoints(spec.indent.left),
      right: spec.indent.right === undefined ? undefined : twipsOfPoints(spec.indent.right),
      firstLine: spec.indent.firstLine === undefined ? undefined : twipsOfPoints(spec.indent.firstLine),
      hanging: spec.indent.hanging === undefined ? undefined : twipsOfPoints(spec.indent.hanging)
    },
    keepNext: spec.keepNext,
    keepLines: spec.keepLines,
    widowControl: spec.widowControl,
    pageBreakBefore: spec.pageBreakBefore,
    outlineLevel: spec.outlineLevel,
    border: spec.borderBottom && {
      bottom: { style: BorderStyle.SINGLE, size: eighthPoints(spec.borderBottom.size), color: color(template, spec.borderBottom.color)!, space: 1 }
    }
  }
}

const alignments = {
  left: AlignmentType.LEFT,
  center: AlignmentType.CENTER,
  right: AlignmentType.RIGHT,
  both: AlignmentType.BOTH
} as const

/** Word's `w:line` for single spacing, in 240ths of a line. */
const singleLine = 240

/**
 * The numbering definitions lists use: `ordered` (decimal, then lower
 * letters, as the template says) and `bullet`. Paragraphs name one with an
 * `instance` of their own, so each list restarts.
 */
export function numberingFromTemplate(template: DocxTemplate, starts: number[] = []): INumberingOptions {
  const { indent, hanging } = template.list
  const level = (index: number) => ({
    indent: { left: twipsOfPoints(indent * (index + 1)), hanging: twipsOfPoints(hanging) }
  })
  const ordered = (reference: string, start: number) => ({
    reference,
    levels: template.list.ordered.map((format, index) => ({
      level: index,
      format: levelFormats[format],
      text: `%${index + 1}.`,
      // A list starting elsewhere is its own definition, at any level.
      start,
      alignment: AlignmentType.LEFT,
      style: { paragraph: level(index) }
    }))
  })
  return {
    config: [
      ordered(orderedReference(1), 1),
      ...[...new Set(starts.filter((start) => start !== 1))].sort((a, b) => a - b).map((start) => ordered(orderedReference(start), start)),
      {
        reference: bulletReference,
        levels: template.list.bullet.map((symbol, index) => ({
          level: index,
          format: LevelFormat.BULLET,
          text: symbol,
          alignment: AlignmentType.LEFT,
          style: { paragraph: level(index) }
        }))
      }
    ]
  }
}

/** The numbering definition of an ordered list starting at `start`. */
export function orderedReference(start: number): string {
  return start === 1 ? 'ordered' : `ordered-from-${start}`
}

export const bulletReference = 'bullet'

const levelFormats: Record<string, (typeof LevelFormat)[keyof typeof LevelFormat]> = {
  decimal: LevelFormat.DECIMAL,
  lowerLetter: LevelFormat.LOWER_LETTER,
  upperLetter: LevelFormat.UPPER_LETTER,
  lowerRoman: LevelFormat.LOWER_ROMAN,
  upperRoman: LevelFormat.UPPER_ROMAN
}

/** What the defaults cannot say: faces, colours and styles are named by the template; some strings are one of a few. */
const shape: TemplateShape = {
  dictionaries: { faces: '', colors: '', paragraphStyles: paragraphStyleKeys, characterStyles: runStyleKeys },
  choices: { 'list.ordered.*': Object.keys(levelFormats), 'paragraphStyles.*.alignment': Object.keys(alignments) }
}

/** Twentieths of a point, Word's unit for lengths. */
export function twipsOfPoints(points: number): number {
  return Math.round(points * 20)
}

function halfPoints(points: number): number {
  return Math.round(points * 2)
}

function eighthPoints(points: number): number {
  return Math.round(points * 8)
}

const twipsPerUnit: Record<string, number> = { in: 1440, cm: 1440 / 2.54, mm: 1440 / 25.4, pt: 20 }

/** The width of the text on the page, in twips. */
export function textWidthOf(template: DocxTemplate): number {
  const { page } = template
  return twips(page.width) - twips(page.margin.left) - twips(page.margin.right)
}

/** `"8.5in"`, `"2cm"`, `"12pt"`, or a number of points, in twips. */
export function twips(measure: string | number): number {
  if (typeof measure === 'number') return twipsOfPoints(measure)
  const match = /^(-?\d+(?:\.\d+)?)\s*(in|cm|mm|pt)$/.exec(measure.trim())
  if (!match) throw new Error(`Unexpected length \`${measure}\` in templates/docx/styles.json, expected a number with in, cm, mm or pt`)
  return Math.round(Number(match[1]) * twipsPerUnit[match[2]])
}
