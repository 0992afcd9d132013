import type { VFile } from 'vfile'
import { loadTemplateData } from './template-data.js'
import type { TemplateLayers } from './templates.js'
import type { TargetKind } from './types.js'

/**
 * The words dossier writes into the report's body itself: what a link with
 * no text of its own says (`[](#declared-policy)` → “Recommendation 2.a”)
 * and the label of a caption (“Figure 1”). `templates/labels.json`; another
 * language is another templates folder.
 */
export type Labels = Record<TargetKind, string> & {
  /** Between a caption's label and its text: “Figure 1. A chart”. */
  captionSeparator: string
}

/** dossier's labels: what `templates/labels.json` ships, and what a templates folder's own is merged over. */
export const labelDefaults: Labels = {
  finding: 'Finding',
  objective: 'Objective',
  recommendation: 'Recommendation',
  section: 'Section',
  figure: 'Figure',
  table: 'Table',
  captionSeparator: '. '
}

/** Read `labels.json` from the template layers over the defaults; a broken one is reported on `file`, then undefined. */
export function loadLabels(file: VFile, templates: TemplateLayers): Promise<Labels | undefined> {
  return loadTemplateData(file, templates, 'labels.json', labelDefaults, { format: 'labels' })
}
