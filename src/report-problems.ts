import type { VFile } from 'vfile'
import type { VFileMessage } from 'vfile-message'
import { compareMessage } from 'vfile-sort'
import { statistics } from 'vfile-statistics'

/**
 * Format vfile messages one per line, as compilers do, so terminals and
 * editors can jump to them:
 *
 *     source/report.md:41:4  error  Duplicate item id `rgb`, expected each id once  item-id-duplicate
 *
 * A message may name another file than the source (`message.file`, e.g. a
 * memo definition). A `cause` that is a message prints on the next line.
 */
export function reportProblems(files: VFile[], options: { quiet?: boolean } = {}): string {
  const lines: string[] = []
  const shown: VFileMessage[] = []
  for (const file of files) {
    const messages = file.messages.filter((message) => message.fatal || !options.quiet).sort(compareMessage)
    shown.push(...messages)
    for (const message of messages) {
      lines.push(formatLine(message, file))
      const cause = message.cause as VFileMessage | undefined
      if (cause && typeof cause === 'object' && 'reason' in cause) lines.push(`  ${formatPlace(cause, file)}  note  ${cause.reason}`)
    }
  }
  const stats = statistics(shown)
  if (stats.total > 0) {
    const count = (n: number, what: string) => n > 0 && `${n} ${what}${n === 1 ? '' : 's'}`
    lines.push('', [count(stats.fatal, 'error'), count(stats.warn, 'warning'), count(stats.info, 'note')].filter(Boolean).join(', '))
  }
  return lines.join('\n')
}

function formatLine(message: VFileMessage, file: VFile): string {
  const severity = message.fatal ? 'error' : message.fatal === false ? 'warning' : 'note'
  return [formatPlace(message, file), severity, message.reason, message.ruleId ?? ''].filter(Boolean).join('  ')
}

/** `file:line:column`, or the file alone for a problem with no place (a missing template, a renderer failure). */
function formatPlace(message: VFileMessage, file: VFile): string {
  const name = message.file || file.path || '<stdin>'
  return message.line ? `${name}:${message.line}:${message.column ?? 1}` : name
}
