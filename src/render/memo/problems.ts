import type { VFile } from 'vfile'
import type { VFileMessage } from 'vfile-message'
import { displayPath, problem } from '../../message.js'
import type { Position } from '../../types.js'

/** Rule ids of memo problems. */
export type MemoRule = 'memo-template-syntax' | 'memo-template-field' | 'memo-template-unknown' | 'memo-layout' | 'memo-overflow'

/**
 * Report a problem in a memo template or layout file. The build reports
 * the source's messages, so the message goes on the source file, but it
 * names the template (`message.file`), whose line and column it carries.
 */
export function templateProblem(
  file: VFile,
  templatePath: string,
  reason: string,
  place: Position | undefined,
  ruleId: MemoRule
): VFileMessage {
  const message = problem(file, reason, place, ruleId, { source: 'dossier-memo' })
  message.file = displayPath(templatePath)
  return message
}
