import path from 'node:path'
import type { Node, Position } from 'unist'
import type { VFile } from 'vfile'
import type { VFileMessage } from 'vfile-message'

export interface ProblemOptions {
  /** Error (fails the build) or warning. Default: error. */
  fatal?: boolean
  /** Where an earlier, related occurrence is. */
  cause?: VFileMessage
  /** Plugin or renderer that reports it. Default: `dossier`. */
  source?: string
  /**
   * The file the problem is in, when it is not the source (a template).
   * The message still goes on the source's vfile, which the build reports.
   */
  in?: string
}

/**
 * Report a problem the unified way: a vfile message with a place and a rule
 * id. Errors are marked fatal so the build refuses to write outputs, but the
 * pipeline goes on so that every problem is reported at once.
 */
export function problem(
  file: VFile,
  reason: string,
  place: Node | Position | undefined,
  ruleId: string,
  options: ProblemOptions = {}
): VFileMessage {
  const position = place && 'type' in place ? place.position : place
  const message = file.message(reason, {
    place: position,
    ruleId,
    source: options.source ?? 'dossier',
    cause: options.cause
  })
  message.fatal = options.fatal ?? true
  if (options.in) message.file = displayPath(options.in)
  return message
}

/** True when a file carries an error. */
export function hasErrors(file: VFile): boolean {
  return file.messages.some((message) => message.fatal === true)
}

/** True when a file carries a warning (what `--strict` fails on). */
export function hasWarnings(file: VFile): boolean {
  return file.messages.some((message) => message.fatal === false)
}

/** A path as messages print it: relative to the working folder when below it. */
export function displayPath(file: string): string {
  const relative = path.relative(process.cwd(), path.resolve(file))
  return relative.startsWith('..') ? file : relative
}
