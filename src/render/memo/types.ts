import type { Places } from '../../yaml-source.js'

/** A memo definition from `memos/ID.yaml` beside its report, checked, with defaults applied. */
export interface MemoDefinition {
  id: string
  /** The definition's path, as messages print it. */
  path: string
  /** The report it names with `report:` (a source's file name without extension), when it names one. */
  report?: string
  to: string
  from: string
  subject: string
  /** Staff's words, set before the report's own. */
  framing?: string
  /** Optional DATE line, overriding the build's date. */
  date?: string
  bottomLine: { section: string; sentences: number[] }
  findings: { count?: number; themes: string[]; ids: string[] }
  select: { audiences: string[]; themes: string[]; ids: string[] }
  places: Places
}

/** How much of a recommendation's reasoning follows its lead. */
export type RationaleMode = 'sentence' | 'words' | 'none'

export interface CondenseStep {
  name: string
  rationale: RationaleMode
  words?: number
  fewerFindings?: boolean
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
  fit: { reserve: number; minFindings: number }
  faces: { body: string; heading: string }
  type: { title: number; header: number; heading: number; body: number; closing: number; leading: number; tracking: number }
  space: {
    afterTitle: number
    headerRow: number
    afterHeader: number
    beforeHeading: number
    afterHeading: number
    item: number
    beforeClosing: number
    rule: number
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
    bottomLine: string
    findings: string
    recommendations: string
    bullet: string
    ellipsis: string
    closing: string
    closingNoUrl: string
  }
  condense: CondenseStep[]
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
  label: string
  lead: string
  /** The first sentence of its body: all of it, shortened, or none. */
  rationale: string
}

/** Everything one memo says, after selection and condensing. */
export interface MemoContent {
  id: string
  header: { to: string; from: string; date: string; subject: string }
  /** Staff framing, if any, then the report's sentences. */
  bottomLine: { framing?: string; sentences: string[] }
  findings: MemoFinding[]
  recommendations: MemoRecommendation[]
  closing: string
  /** The full report's address, which `closing` names (a link in the HTML). */
  url?: string
  /** For the PDF's and DOCX's properties. */
  title: string
  language: string
}
