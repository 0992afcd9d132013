import type { Content, ContentCanvas, TDocumentDefinitions } from 'pdfmake/interfaces.js'
import { headerRows } from './content.js'
import type { MemoContent, MemoLayout } from './types.js'

export interface PdfOptions {
  /** Points added to the bottom margin: the fit keeps room free for other editions. */
  reserve?: number
  /** Lay out on one page as tall as the content, to measure it. */
  measure?: boolean
  /** The creation date stamped into the PDF. */
  date: Date
}

/** A memo as a pdfmake document definition. Pure: no fonts, no printing. */
export function toPdfmake(memo: MemoContent, layout: MemoLayout, options: PdfOptions): TDocumentDefinitions {
  const { margins, width, height } = layout.page
  return {
    pageSize: { width, height: options.measure ? 'auto' : height },
    pageMargins: [margins.left, margins.top, margins.right, margins.bottom + (options.reserve ?? 0)],
    info: { title: memo.title, creator: 'dossier', producer: 'dossier', creationDate: options.date },
    language: memo.language,
    defaultStyle: { font: layout.faces.body, fontSize: layout.type.body, lineHeight: layout.type.leading, color: layout.colors.text },
    content: [
      title(layout),
      headerBlock(memo, layout),
      rule(layout),
      ...section(layout.text.bottomLine, [bottomLine(memo)], layout),
      ...(memo.findings.length > 0 ? section(layout.text.findings, findings(memo, layout), layout) : []),
      ...section(layout.text.recommendations, recommendations(memo, layout), layout),
      closing(memo, layout)
    ]
  }
}

function title(layout: MemoLayout): Content {
  return {
    text: layout.text.title,
    font: layout.faces.heading,
    bold: true,
    fontSize: layout.type.title,
    characterSpacing: layout.type.tracking,
    margin: [0, 0, 0, layout.space.afterTitle]
  }
}

function headerBlock(memo: MemoContent, layout: MemoLayout): Content {
  return {
    // No rules and no cell padding: rows are spaced by `space.headerRow` alone, as in the DOCX.
    layout: { hLineWidth: () => 0, vLineWidth: () => 0, paddingLeft: () => 0, paddingRight: () => 0, paddingTop: () => 0, paddingBottom: () => 0 },
    margin: [0, 0, 0, layout.space.afterHeader],
    table: {
      widths: [layout.space.headerLabel, '*'],
      body: headerRows(memo, layout).map((row) => [
        { text: row.label, font: layout.faces.heading, bold: true, fontSize: layout.type.header, margin: [0, 0, 0, layout.space.headerRow] },
        { text: row.value, fontSize: layout.type.header, bold: row.field === 'subject', margin: [0, 0, 0, layout.space.headerRow] }
      ])
    }
  }
}

function rule(layout: MemoLayout): ContentCanvas {
  const { width, margins } = layout.page
  return {
    canvas: [{ type: 'line', x1: 0, y1: 0, x2: width - margins.left - margins.right, y2: 0, lineWidth: layout.space.rule, lineColor: layout.colors.rule }]
  }
}

function section(heading: string, body: Content[], layout: MemoLayout): Content[] {
  return [
    {
      text: heading,
      font: layout.faces.heading,
      bold: true,
      fontSize: layout.type.heading,
      characterSpacing: layout.type.tracking,
      color: layout.colors.heading,
      margin: [0, layout.space.beforeHeading, 0, layout.space.afterHeading]
    },
    ...body
  ]
}

function bottomLine(memo: MemoContent): Content {
  const parts = [memo.bottomLine.framing, ...memo.bottomLine.sentences].filter((part): part is string => Boolean(part))
  return { text: parts.join(' ') }
}

function findings(memo: MemoContent, layout: MemoLayout): Content[] {
  return memo.findings.map((finding) => ({
    columns: [
      { width: layout.space.bullet, text: layout.text.bullet },
      { width: '*', text: [{ text: finding.lead, bold: true }, ` ${finding.summary}`] }
    ],
    margin: [0, 0, 0, layout.space.item]
  }))
}

function recommendations(memo: MemoContent, layout: MemoLayout): Content[] {
  return memo.recommendations.map((item) => ({
    columns: [
      { width: layout.space.itemLabel, text: item.label, bold: true },
      { width: '*', text: [{ text: item.lead, bold: true }, item.rationale ? ` ${item.rationale}` : ''] }
    ],
    margin: [0, 0, 0, layout.space.item]
  }))
}

function closing(memo: MemoContent, layout: MemoLayout): Content[] {
  return [
    { ...rule(layout), margin: [0, layout.space.beforeClosing, 0, layout.space.afterHeading] },
    { text: memo.closing, fontSize: layout.type.closing, color: layout.colors.muted }
  ]
}
