import type { VFile } from 'vfile'
import type { VFileMessage } from 'vfile-message'
import { problem } from '../../message.js'
import type { Position } from '../../types.js'

/** Rule ids of memo problems. */
export type MemoRule =
  | 'memo-template-syntax'
  | 'memo-template-field'
  | 'memo-template-unknown'
  | 'memo-template-deprecated'
  | 'memo-quote-missing'
  | 'memo-quote-ambiguous'
  | 'memo-layout'
  | 'memo-overflow'

/**
 * Report a problem in a memo definition or layout file, at its line and
 * column: an error unless `options.fatal` is false (a warning).
 */
export function templateProblem(
  file: VFile,
  templatePath: string,
  reason: string,
  place: Position | undefined,
  ruleId: MemoRule,
  options: { fatal?: boolean; cause?: VFileMessage } = {}
): VFileMessage {
  return problem(file, reason, place, ruleId, { source: 'dossier-memo', in: templatePath, ...options })
}
