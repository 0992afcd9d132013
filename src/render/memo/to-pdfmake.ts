import type { Content, ContentCanvas, ContentText, TDocumentDefinitions } from 'pdfmake/interfaces.js'
import { elementMaker, structParts, taggedText, type ElementMaker, type StructElement, type StructPath } from '../pdf/structure.js'
import { joinSentences, spaceBetween } from '../../text.js'
import { headerRows } from './content.js'
import type { MemoContent, MemoFinding, MemoLayout, MemoRecommendation } from './types.js'

export interface PdfOptions {
  /** Points added to the bottom margin: the fit keeps room free for other editions. */
  reserve?: number
  /** The creation date stamped into the PDF. */
  date: Date
}

/**
 * A part of the memo's page that takes room of its own: the stack of parts
 * is the page, so the page's height is the sum of theirs, which is how the
 * fit measures a memo (`measuringDocument`).
 */
export interface MemoPart {
  /** What the part is, as the overflow message names it: `head`, `bottomLine`, `finding`, `recommendation`, … */
  kind: 'head' | 'bottomLine' | 'findingsHeading' | 'finding' | 'recommendationsHeading' | 'recommendation' | 'contact' | 'closing'
  content: Content
}

/** A memo as a pdfmake document definition. Pure: no fonts, no printing. */
export function toPdfmake(memo: MemoContent, layout: MemoLayout, options: PdfOptions): TDocumentDefinitions {
  // Tagged as the print edition is (src/render/pdf/structure.ts); rules and the banner at the foot are artifacts.
  const make = elementMaker(structParts.memo)
  const marking = memo.classification ? make('P') : undefined
  return {
    ...page(memo, layout, options),
    tagged: true,
    subset: 'PDF/UA',
    version: '1.7',
    displayTitle: true,
    background: memo.classification ? banners(memo.classification, layout, marking) : undefined,
    content: memoParts(memo, layout, make).map((part) => part.content)
  }
}

/**
 * Every part alone on a page as tall as they are, each after a marker of no
 * height whose position pdfmake reports (`pageBreakBefore`): one layout
 * gives the height of every part, margins included.
 */
export function measuringDocument(parts: Content[], layout: MemoLayout, options: PdfOptions, heights: (tops: number[]) => void): TDocumentDefinitions {
  const tops: number[] = []
  const marker = (index: number): ContentCanvas & { id: string } => ({ canvas: [{ type: 'line', x1: 0, y1: 0, x2: 0, y2: 0, lineWidth: 0 }], id: `measure-${index}` })
  let reported = false
  return {
    ...page(undefined, layout, options),
    pageSize: { width: layout.page.width, height: 'auto' },
    content: [...parts.flatMap((part, index) => [marker(index), part]), marker(parts.length)],
    pageBreakBefore(node) {
      const index = /^measure-(\d+)$/.exec(String(node.id ?? ''))?.[1]
      if (index !== undefined && node.startPosition) tops[Number(index)] = node.startPosition.top
      if (!reported && tops.length === parts.length + 1 && tops.every((top) => top !== undefined)) {
        reported = true
        heights(tops.slice(1).map((top, part) => top - tops[part]))
      }
      return false
    }
  }
}

function page(memo: MemoContent | undefined, layout: MemoLayout, options: PdfOptions): TDocumentDefinitions {
  const { margins, width, height } = layout.page
  return {
    pageSize: { width, height },
    pageMargins: [margins.left, margins.top, margins.right, margins.bottom + (options.reserve ?? 0)],
    info: memo && { title: memo.title, creator: 'dossier', producer: 'dossier', creationDate: options.date },
    language: memo?.language,
    defaultStyle: { font: layout.faces.body, fontSize: layout.type.body, lineHeight: layout.type.leading, color: layout.colors.text },
    content: []
  }
}

/**
 * The memo's parts, top to bottom, with the structure elements of the
 * tagged PDF (`make`, in reading order): the title and section headings,
 * the header block as a table, findings and recommendations as lists.
 */
export function memoParts(memo: MemoContent, layout: MemoLayout, make: ElementMaker = elementMaker(structParts.memo)): MemoPart[] {
  const head = { stack: [masthead(memo, layout, make), headerBlock(memo, layout, make), rule(layout)] }
  const bottomLine = { stack: [heading(layout.text.bottomLine, layout, make), taggedText({ text: joinSentences(memo.bottomLine) }, [make('P')])] }
  const findings = memo.findings.length > 0 ? heading(layout.text.findings, layout, make) : undefined
  const findingList = listItems(make)
  const findingParts = memo.findings.map((finding) => ({ kind: 'finding' as const, content: findingPart(finding, layout, findingList()) }))
  const recommendations = heading(layout.text.recommendations, layout, make)
  const recommendationList = listItems(make)
  const recommendationParts = memo.recommendations.map((item) => ({ kind: 'recommendation' as const, content: recommendationPart(item, layout, recommendationList()) }))
  return [
    { kind: 'head', content: head },
    { kind: 'bottomLine', content: bottomLine },
    ...(findings ? [{ kind: 'findingsHeading' as const, content: findings }] : []),
    ...findingParts,
    { kind: 'recommendationsHeading', content: recommendations },
    ...recommendationParts,
    ...(memo.contact ? [{ kind: 'contact' as const, content: contact(memo.contact, layout, make) }] : []),
    { kind: 'closing', content: closing(memo, layout, make) }
  ]
}

/** Where a list's items stand in the structure: one `L`, each item an `LI` with its label (`Lbl`) and text (`LBody` › `P`). */
interface ItemTags {
  label: StructPath
  body: StructPath
}

function listItems(make: ElementMaker): () => ItemTags {
  let list: StructPath | undefined
  return () => {
    list ??= [make('L')]
    const item = [...list, make('LI')]
    return { label: [...item, make('Lbl')], body: [...item, make('LBody'), make('P')] }
  }
}

/** MEMORANDUM, and the letterhead, when there is one, set right on the same line. */
function masthead(memo: MemoContent, layout: MemoLayout, make: ElementMaker): Content {
  const title = taggedText<ContentText>({ text: layout.text.title, font: layout.faces.heading, bold: true, fontSize: layout.type.title, characterSpacing: layout.type.tracking }, [make('H1')])
  if (!memo.letterhead) return { ...title, margin: [0, 0, 0, layout.space.afterTitle] }
  return {
    columns: [
      { ...title, width: 'auto' },
      {
        text: taggedText({ text: memo.letterhead }, [make('P')]).text,
        width: '*',
        alignment: 'right',
        font: layout.faces.heading,
        bold: true,
        fontSize: layout.type.header,
        color: layout.colors.heading,
        // Columns align their tops: lowered by the difference in size, the smaller type shares the title's baseline.
        margin: [0, layout.type.title - layout.type.header, 0, 0]
      }
    ],
    columnGap: layout.space.bullet,
    margin: [0, 0, 0, layout.space.afterTitle]
  }
}

function headerBlock(memo: MemoContent, layout: MemoLayout, make: ElementMaker): Content {
  const table = make('Table')
  return {
    // No rules and no cell padding: rows are spaced by `space.headerRow` alone, as in the DOCX.
    layout: { hLineWidth: () => 0, vLineWidth: () => 0, paddingLeft: () => 0, paddingRight: () => 0, paddingTop: () => 0, paddingBottom: () => 0 },
    margin: [0, 0, 0, layout.space.afterHeader],
    table: {
      widths: [layout.space.headerLabel, '*'],
      body: headerRows(memo, layout).map((row) => {
        const tableRow = [table, make('TR')]
        return [
          taggedText<ContentText>({ text: row.label, font: layout.faces.heading, bold: true, fontSize: layout.type.header, margin: [0, 0, 0, layout.space.headerRow] }, [...tableRow, make('TH', { scope: 'Row' })]),
          taggedText<ContentText>({ text: row.value, fontSize: layout.type.header, bold: row.field === 'subject', margin: [0, 0, 0, layout.space.headerRow] }, [...tableRow, make('TD')])
        ]
      })
    }
  }
}

function rule(layout: MemoLayout): ContentCanvas {
  const { width, margins } = layout.page
  return {
    canvas: [{ type: 'line', x1: 0, y1: 0, x2: width - margins.left - margins.right, y2: 0, lineWidth: layout.space.rule, lineColor: layout.colors.rule }]
  }
}

function heading(text: string, layout: MemoLayout, make: ElementMaker): Content {
  return taggedText<ContentText>(
    {
      text,
      font: layout.faces.heading,
      bold: true,
      fontSize: layout.type.heading,
      characterSpacing: layout.type.tracking,
      color: layout.colors.heading,
      margin: [0, layout.space.beforeHeading, 0, layout.space.afterHeading]
    },
    [make('H2')]
  )
}

/** A finding: its bullet, and its lead in bold with its summary. Untagged (`tags` left out) when only measured. */
function findingPart(finding: MemoFinding, layout: MemoLayout, tags?: ItemTags): Content {
  return {
    columns: [
      tagged({ width: layout.space.bullet, text: layout.text.bullet }, tags?.label),
      tagged({ width: '*', text: [{ text: finding.lead, bold: true }, `${spaceBetween(finding.lead, finding.summary)}${finding.summary}`] }, tags?.body)
    ],
    margin: [0, 0, 0, layout.space.item]
  }
}

/** The memo's number, the lead in bold, its reasoning, and where the report has it. */
export function recommendationPart(item: MemoRecommendation, layout: MemoLayout, tags?: ItemTags): Content {
  return {
    columns: [
      tagged({ width: layout.space.itemLabel, text: item.number, bold: true }, tags?.label),
      tagged(
        {
          width: '*',
          text: [{ text: item.lead, bold: true }, item.rationale ? `${spaceBetween(item.lead, item.rationale)}${item.rationale}` : '', { text: ` (${item.reference})`, color: layout.colors.muted }]
        },
        tags?.body
      )
    ],
    margin: [0, 0, 0, layout.space.item]
  }
}

function tagged<T extends ContentText>(block: T, path: StructPath | undefined): T {
  return path ? taggedText(block, path) : block
}

function contact(text: string, layout: MemoLayout, make: ElementMaker): Content {
  return taggedText<ContentText>(
    {
      text: [{ text: `${layout.text.contact} `, font: layout.faces.heading, bold: true, fontSize: layout.type.header }, { text, fontSize: layout.type.header }],
      margin: [0, layout.space.beforeClosing - layout.space.item, 0, 0]
    },
    [make('P')]
  )
}

function closing(memo: MemoContent, layout: MemoLayout, make: ElementMaker): Content {
  return {
    stack: [
      { ...rule(layout), margin: [0, layout.space.beforeClosing, 0, layout.space.afterHeading] },
      taggedText<ContentText>({ text: memo.closing, fontSize: layout.type.closing, color: layout.colors.muted }, [make('P')])
    ]
  }
}

/**
 * The handling marking, centred at the head and the foot of the page,
 * outside the text. The head's is read first (`marking`, a paragraph);
 * the foot's repeats it, an artifact.
 */
function banners(text: string, layout: MemoLayout, marking: StructElement | undefined) {
  const { width, height } = layout.page
  const banner = (y: number, path?: StructPath): Content =>
    tagged<ContentText>(
      {
        text,
        font: layout.faces.heading,
        bold: true,
        fontSize: layout.type.banner,
        characterSpacing: layout.type.tracking,
        alignment: 'center',
        absolutePosition: { x: 0, y }
      },
      path
    )
  // The foot's line sits as far from the page's foot as the head's from its head, a line of banner type apart.
  return () => ({ stack: [banner(layout.space.banner, marking && [marking]), banner(height - layout.space.banner - layout.type.banner)], width })
}
