import {
  AlignmentType,
  BorderStyle,
  Document,
  Footer,
  Header,
  LineRuleType,
  Paragraph,
  type ParagraphChild,
  TabStopType,
  TextRun
} from 'docx'
import { readFont, type FontFaces } from '../../fonts.js'
import { embedLater } from '../docx/pack.js'
import { joinSentences, spaceBetween } from '../../text.js'
import { headerRows } from './content.js'
import type { MemoContent, MemoLayout } from './types.js'

/** Word measures in twentieths of a point, type in half points, lines in 240ths of one. */
const twips = (points: number) => Math.round(points * 20)
const halfPoints = (points: number) => Math.round(points * 2)
const singleLine = 240

/**
 * A memo as a docx Document: the PDF's page, margins, faces, sizes and
 * spacing, with its faces embedded so Word and LibreOffice set it as the
 * PDF is set.
 */
export function toDocx(memo: MemoContent, layout: MemoLayout, fonts: Record<string, FontFaces>, eastAsia?: EastAsianFace): Document {
  const { page } = layout
  const face = faceWith(eastAsia)
  const headingFace = face(layout.faces.heading)
  return new Document({
    title: memo.title,
    creator: 'dossier',
    fonts: embeddedFonts(eastAsia ? { ...fonts, [eastAsia.family]: eastAsia.faces } : fonts),
    styles: {
      default: {
        document: {
          run: {
            font: face(layout.faces.body),
            size: halfPoints(layout.type.body),
            color: layout.colors.text.slice(1),
            language: eastAsia ? { value: memo.language, eastAsia: eastAsia.language } : { value: memo.language }
          },
          paragraph: { spacing: { line: Math.round(singleLine * layout.type.leading), lineRule: LineRuleType.AUTO, before: 0, after: 0 } }
        }
      }
    },
    sections: [
      {
        properties: {
          page: {
            size: { width: twips(page.width), height: twips(page.height) },
            margin: {
              top: twips(page.margins.top),
              right: twips(page.margins.right),
              bottom: twips(page.margins.bottom),
              left: twips(page.margins.left),
              header: memo.classification ? twips(layout.space.banner) : 0,
              footer: memo.classification ? twips(layout.space.banner) : 0
            }
          }
        },
        // The handling banner at the head and the foot of the page, in the margins.
        headers: memo.classification ? { default: new Header({ children: [banner(memo.classification, layout, headingFace)] }) } : undefined,
        footers: memo.classification ? { default: new Footer({ children: [banner(memo.classification, layout, headingFace)] }) } : undefined,
        children: [
          masthead(memo, layout, headingFace),
          ...headerBlock(memo, layout, headingFace),
          heading(layout.text.bottomLine, layout, headingFace, true),
          new Paragraph({ children: [new TextRun(joinSentences(memo.bottomLine))] }),
          ...(memo.findings.length > 0 ? [heading(layout.text.findings, layout, headingFace)] : []),
          ...memo.findings.map((finding) => hanging(layout.text.bullet, [bold(finding.lead), new TextRun(`${spaceBetween(finding.lead, finding.summary)}${finding.summary}`)], layout.space.bullet, layout, false)),
          heading(layout.text.recommendations, layout, headingFace),
          ...memo.recommendations.map((item) =>
            hanging(
              item.number,
              [bold(item.lead), ...(item.rationale ? [new TextRun(`${spaceBetween(item.lead, item.rationale)}${item.rationale}`)] : []), new TextRun({ text: ` (${item.reference})`, color: layout.colors.muted.slice(1) })],
              layout.space.itemLabel,
              layout,
              true
            )
          ),
          ...(memo.contact ? [contact(memo.contact, layout, headingFace)] : []),
          closing(memo, layout)
        ]
      }
    ]
  })
}

/** The face a memo's CJK text is set in, when it has any: its family, files and language tag (`ja-JP`). */
export interface EastAsianFace {
  family: string
  faces: FontFaces
  language: string
}

/** A run's face as docx takes it: a family for every script, or CJK text in the East Asian face. */
type RunFont = string | { ascii: string; hAnsi: string; cs: string; eastAsia: string }

function faceWith(eastAsia: EastAsianFace | undefined): (family: string) => RunFont {
  return (family) => (eastAsia ? { ascii: family, hAnsi: family, cs: family, eastAsia: eastAsia.family } : family)
}

type FontOptions = NonNullable<ConstructorParameters<typeof Document>[0]['fonts']>[number]

function embeddedFonts(fonts: Record<string, FontFaces>): FontOptions[] {
  // Embedded when packed, so that docx need not deflate them.
  return Object.entries(fonts).map(([name, faces]) => ({
    name,
    data: embedLater(readFont(faces.normal)),
    bold: embedLater(readFont(faces.bold))
  }))
}

function bold(text: string): TextRun {
  return new TextRun({ text, bold: true })
}

function banner(text: string, layout: MemoLayout, headingFace: RunFont): Paragraph {
  return new Paragraph({
    alignment: AlignmentType.CENTER,
    spacing: { line: singleLine, lineRule: LineRuleType.AUTO },
    children: [new TextRun({ text, font: headingFace, bold: true, size: halfPoints(layout.type.banner), characterSpacing: twips(layout.type.tracking) })]
  })
}

/**
 * MEMORANDUM, and the letterhead, when there is one, at a right tab on the
 * same line. Outline levels make it and the section headings headings for
 * Word's navigation pane and screen readers, as the PDF's H1 and H2.
 */
function masthead(memo: MemoContent, layout: MemoLayout, headingFace: RunFont): Paragraph {
  const width = layout.page.width - layout.page.margins.left - layout.page.margins.right
  return new Paragraph({
    outlineLevel: 0,
    spacing: { after: twips(layout.space.afterTitle) },
    tabStops: memo.letterhead ? [{ type: TabStopType.RIGHT, position: twips(width) }] : undefined,
    children: [
      new TextRun({ text: layout.text.title, font: headingFace, bold: true, size: halfPoints(layout.type.title), characterSpacing: twips(layout.type.tracking) }),
      ...(memo.letterhead
        ? [new TextRun({ text: `\t${memo.letterhead}`, font: headingFace, bold: true, size: halfPoints(layout.type.header), color: layout.colors.heading.slice(1) })]
        : [])
    ]
  })
}

/** The MEMORANDUM FOR, FROM, DATE and SUBJECT lines, ruled off below. */
function headerBlock(memo: MemoContent, layout: MemoLayout, headingFace: RunFont): Paragraph[] {
  const rows = headerRows(memo, layout)
  return rows.map((row, index) => {
    const last = index === rows.length - 1
    return new Paragraph({
      indent: { left: twips(layout.space.headerLabel), hanging: twips(layout.space.headerLabel) },
      tabStops: [{ type: TabStopType.LEFT, position: twips(layout.space.headerLabel) }],
      spacing: { after: twips(layout.space.headerRow) },
      border: last ? { bottom: { style: BorderStyle.SINGLE, size: Math.round(layout.space.rule * 8), color: layout.colors.rule.slice(1), space: Math.round(layout.space.afterHeader) } } : undefined,
      children: [
        new TextRun({ text: row.label, font: headingFace, bold: true, size: halfPoints(layout.type.header) }),
        new TextRun({ text: `\t${row.value}`, size: halfPoints(layout.type.header), bold: row.field === 'subject' })
      ]
    })
  })
}

function heading(text: string, layout: MemoLayout, headingFace: RunFont, first = false): Paragraph {
  return new Paragraph({
    outlineLevel: 1,
    keepNext: true,
    spacing: { before: twips(first ? layout.space.afterHeader : layout.space.beforeHeading), after: twips(layout.space.afterHeading) },
    children: [new TextRun({ text, font: headingFace, bold: true, size: halfPoints(layout.type.heading), characterSpacing: twips(layout.type.tracking), color: layout.colors.heading.slice(1) })]
  })
}

/** A paragraph whose marker (bullet or label) hangs in its own column. */
function hanging(marker: string, children: ParagraphChild[], width: number, layout: MemoLayout, boldMarker: boolean): Paragraph {
  return new Paragraph({
    alignment: AlignmentType.LEFT,
    indent: { left: twips(width), hanging: twips(width) },
    tabStops: [{ type: TabStopType.LEFT, position: twips(width) }],
    spacing: { after: twips(layout.space.item) },
    children: [new TextRun({ text: `${marker}\t`, bold: boldMarker }), ...children]
  })
}

function contact(text: string, layout: MemoLayout, headingFace: RunFont): Paragraph {
  return new Paragraph({
    spacing: { before: twips(layout.space.beforeClosing - layout.space.item) },
    children: [new TextRun({ text: `${layout.text.contact} `, font: headingFace, bold: true, size: halfPoints(layout.type.header) }), new TextRun({ text, size: halfPoints(layout.type.header) })]
  })
}

function closing(memo: MemoContent, layout: MemoLayout): Paragraph {
  return new Paragraph({
    spacing: { before: twips(layout.space.beforeClosing) },
    border: { top: { style: BorderStyle.SINGLE, size: Math.round(layout.space.rule * 8), color: layout.colors.rule.slice(1), space: Math.round(layout.space.afterHeading) } },
    children: [new TextRun({ text: memo.closing, size: halfPoints(layout.type.closing), color: layout.colors.muted.slice(1) })]
  })
}
