import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
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
  /** Points; `line` is a multiple of single spacing. */
  spacing?: { before?: number; after?: number; line?: number }
  indent?: { left?: number; right?: number; firstLine?: number; hanging?: number }
  keepNext?: boolean
  keepLines?: boolean
  pageBreakBefore?: boolean
  outlineLevel?: number
  borderBottom?: { size: number; color: string }
}

/** `templates/docx/styles.json`, as the Word edition reads it. */
export interface DocxTemplate {
  page: {
    width: string
    height: string
    margin: Record<'top' | 'right' | 'bottom' | 'left' | 'header' | 'footer', string>
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
  image: { maxHeight: string }
  paragraphStyles: Record<string, ParagraphStyleSpec>
  characterStyles: Record<string, RunStyleSpec>
}

/** dossier's own `templates/`, whose dictionary a project's own is merged over. */
const defaultTemplatesDir = fileURLToPath(new URL('../../../templates/', import.meta.url))

/**
 * Read the style dictionary: dossier's own, with the one in `templatesDir`
 * (when there is one) merged over it, so a project restyles only what it
 * names.
 */
export function loadDocxTemplate(templatesDir: string): DocxTemplate {
  const read = (dir: string): Record<string, unknown> | undefined => {
    const file = path.join(dir, 'docx', 'styles.json')
    return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>) : undefined
  }
  const defaults = read(defaultTemplatesDir)
  if (!defaults) throw new Error(`Missing the docx style dictionary, expected it at ${path.join(defaultTemplatesDir, 'docx', 'styles.json')}`)
  const own = path.resolve(templatesDir) === path.resolve(defaultTemplatesDir) ? undefined : read(templatesDir)
  return (own ? merge(defaults, own) : defaults) as unknown as DocxTemplate
}

function merge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const result: Record<string, unknown> = { ...base }
  for (const [key, value] of Object.entries(over)) {
    const under = result[key]
    result[key] = isRecord(under) && isRecord(value) ? merge(under, value) : value
  }
  return result
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * The named styles of a Word document, from the style dictionary in
 * `templatesDir`: paragraph styles (Normal, Title, Subtitle, Heading 1–3,
 * Quote, List Paragraph, footnote text, toc 1–3…) and character styles
 * (Hyperlink, Item Lead, footnote reference…), each defined once. Give the
 * result to `new Document({ styles })`.
 */
export function docxStyles(templatesDir: string, language = 'en'): IStylesOptions {
  return stylesFromTemplate(loadDocxTemplate(templatesDir), language)
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
    paragraph: paragraphProperties(template, spec)
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

function color(template: DocxTemplate, name: string | undefined): string | undefined {
  if (name === undefined) return undefined
  return template.colors[name] ?? name
}

function runProperties(template: DocxTemplate, spec: RunStyleSpec) {
  const family = face(template, spec.face)
  return {
    // The East Asian slot stays the document default's, so Hangul keeps its face in every style.
    font: family ? { ascii: family, hAnsi: family, cs: family } : undefined,
    size: spec.size === undefined ? undefined : halfPoints(spec.size),
    bold: spec.bold,
    italics: spec.italic,
    underline: spec.underline ? {} : undefined,
    superScript: spec.superScript,
    color: color(template, spec.color)
  }
}

function paragraphProperties(template: DocxTemplate, spec: ParagraphStyleSpec) {
  return {
    alignment: spec.alignment === undefined ? undefined : alignments[spec.alignment],
    spacing: spec.spacing && {
      before: spec.spacing.before === undefined ? undefined : twipsOfPoints(spec.spacing.before),
      after: spec.spacing.after === undefined ? undefined : twipsOfPoints(spec.spacing.after),
      line: spec.spacing.line === undefined ? undefined : Math.round(spec.spacing.line * singleLine),
      lineRule: spec.spacing.line === undefined ? undefined : LineRuleType.AUTO
    },
    indent: spec.indent && {
      left: spec.indent.left === undefined ? undefined : twipsOfPoints(spec.indent.left),
      right: spec.indent.right === undefined ? undefined : twipsOfPoints(spec.indent.right),
      firstLine: spec.indent.firstLine === undefined ? undefined : twipsOfPoints(spec.indent.firstLine),
      hanging: spec.indent.hanging === undefined ? undefined : twipsOfPoints(spec.indent.hanging)
    },
    keepNext: spec.keepNext,
    keepLines: spec.keepLines,
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
      format: levelFormats[format] ?? LevelFormat.DECIMAL,
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

/** `"8.5in"`, `"2cm"`, `"12pt"`, or a number of points, in twips. */
export function twips(measure: string | number): number {
  if (typeof measure === 'number') return twipsOfPoints(measure)
  const match = /^(-?\d+(?:\.\d+)?)\s*(in|cm|mm|pt)$/.exec(measure.trim())
  if (!match) throw new Error(`Unexpected length \`${measure}\` in templates/docx/styles.json, expected a number with in, cm, mm or pt`)
  return Math.round(Number(match[1]) * twipsPerUnit[match[2]])
}
