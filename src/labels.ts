import type { VFile } from 'vfile'
import { loadTemplateData } from './template-data.js'
import type { TemplateLayers } from './templates.js'
import type { TargetKind } from './types.js'

/**
 * The words dossier writes itself: what a link with no text of its own says
 * (`[](#declared-policy)` → “Recommendation 2.a”), the label of a caption
 * (“Figure 1”), and the words every edition prints around the report
 * (“Contents”, “Authors”, “Notes”). `templates/labels.json`; another
 * language is another templates folder.
 */
export type Labels = Record<TargetKind, string> & {
  /** Between a caption's label and its text: “Figure 1. A chart”. */
  captionSeparator: string
} & Record<EditionWord, string>

/** The words the editions print around the report: the contents' heading, the cover's credits, the notes' heading… */
export type EditionWord = 'contents' | 'authors' | 'advisers' | 'published' | 'notes' | 'footnote' | 'otherEditions' | 'skipToReport' | 'fullReport'

/** dossier's labels: what `templates/labels.json` ships, and what a templates folder's own is merged over. */
export const labelDefaults: Labels = {
  finding: 'Finding',
  objective: 'Objective',
  recommendation: 'Recommendation',
  section: 'Section',
  figure: 'Figure',
  table: 'Table',
  captionSeparator: '. ',
  contents: 'Contents',
  authors: 'Authors',
  advisers: 'Senior advisers',
  published: 'Published',
  notes: 'Notes',
  footnote: 'Footnote',
  otherEditions: 'Other editions',
  skipToReport: 'Skip to the report',
  fullReport: 'Full report'
}

/**
 * A renderer template's own words (`labels` in pdf/template.json or
 * docx/styles.json), each one it leaves empty taken from the labels
 * template, so that one `labels.json` puts every edition in the report's
 * language.
 */
export function ownWords<K extends EditionWord>(own: Record<K, string>, labels: Labels): Record<K, string> {
  return Object.fromEntries(Object.entries<string>(own).map(([key, value]) => [key, value || labels[key as K]])) as Record<K, string>
}

/** Read `labels.json` from the template layers over the defaults; a broken one is reported on `file`, then undefined. */
export function loadLabels(file: VFile, templates: TemplateLayers): Promise<Labels | undefined> {
  return loadTemplateData(file, templates, 'labels.json', labelDefaults, { format: 'labels' })
}
