import type { Places } from '../../yaml-source.js'

/** A sentence of the report a definition names by its opening words, and where the definition names it. */
export interface Quote {
  /** The opening words as written in the definition. */
  opening: string
  /** Its key path in the definition (`bottom_line.quote.1`), for messages. */
  key: string
}

/** A memo definition from `memos/ID.yaml` beside its report, checked, with defaults applied. */
export interface MemoDefinition {
  id: string
  /** The definition's path, as messages print it. */
  path: string
  to: string
  from: string
  subject: string
  /** Optional DATE line, overriding the build's date. */
  date?: string
  /** Optional: the organisation's name, set at the head of the page. */
  letterhead?: string
  /** Optional: a handling or classification marking, as a banner at the top and foot of the page. */
  classification?: string
  /** Optional: the point of contact line. */
  contact?: string
  bottomLine: {
    /** Who the composed ask addresses, as a sentence names them (`U.S. policymakers`); default: `to`. */
    to: string
    /** How many of the memo's first recommendations the composed ask names. */
    asks: number
    /** Staff's own words in place of the composed ask. */
    text?: string
    /** The report's sentences that back the ask, by their opening words. */
    quotes: Quote[]
    /** Where the quotes are looked for: a heading id, or the whole report. */
    section?: string
    /** Deprecated: sentences of `section` by number. */
    sentences?: number[]
  }
  findings: { count?: number; themes: string[]; ids: string[] }
  /** Which recommendations, and `order`: ids to put first, in that order. */
  select: { audiences: string[]; themes: string[]; ids: string[]; order: string[] }
  places: Places
}

/** Lengths in points. */
export interface Box {
  top: number
  right: number
  bottom: number
  left: number
}

/** `templates/memo/layout.yaml`, lengths converted to points. */
export interface MemoLayout {
  path: string
  page: { width: number; height: number; margins: Box }
  /** `sentences`: the most whole sentences of reasoning under a recommendation. */
  fit: { reserve: number; minFindings: number; sentences: number }
  faces: { body: string; heading: string }
  type: { title: number; header: number; heading: number; body: number; closing: number; banner: number; leading: number; tracking: number }
  space: {
    afterTitle: number
    headerRow: number
    afterHeader: number
    beforeHeading: number
    afterHeading: number
    item: number
    beforeClosing: number
    rule: number
    banner: number
    headerLabel: number
    itemLabel: number
    bullet: number
  }
  colors: { text: string; rule: string; heading: string; muted: string }
  text: {
    title: string
    to: string
    from: string
    date: string
    subject: string
    contact: string
    bottomLine: string
    findings: string
    recommendations: string
    bullet: string
    number: string
    reference: string
    askClauses: string
    askSentences: string
    closing: string
    closingNoUrl: string
  }
}

/** A finding as a memo shows it: its lead and its first sentence. */
export interface MemoFinding {
  id: string
  lead: string
  summary: string
}

/** A recommendation as a memo shows it. */
export interface MemoRecommendation {
  id: string
  /** The memo's own number for it (`1.`). */
  number: string
  /** Where it is in the report, as a reader says it (`Recommendation 2.a`). */
  reference: string
  lead: string
  /** Whole sentences of its body, from the first; possibly none. */
  rationale: string
}

/** Everything one memo says, after selection and condensing. */
export interface MemoContent {
  id: string
  header: { to: string; from: string; date: string; subject: string }
  letterhead?: string
  classification?: string
  contact?: string
  /** The ask, then the report's sentences that back it. */
  bottomLine: string[]
  findings: MemoFinding[]
  recommendations: MemoRecommendation[]
  closing: string
  /** The full report's address, which `closing` names (a link in the HTML). */
  url?: string
  /** The web edition beside the memos (`../report.html`), which each reference links into. */
  reportHtml: string
  /** For the PDF's and DOCX's properties. */
  title: string
  language: string
}
