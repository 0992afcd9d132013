import { hasErrors } from '../message.js'
import { reportProblems } from '../report-problems.js'
import { diffReports } from './index.js'
import { diffToMarkdown } from './markdown.js'
import { readVersion, versionSources } from './source.js'

export interface DiffFlags {
  json?: boolean
}

/**
 * `dossier diff OLD [NEW]`: print what changed, as Markdown or JSON, on
 * standard output; problems go to standard error. True when both versions
 * could be read (whether or not anything changed).
 */
export async function diffCommand(old: string, next: string, flags: DiffFlags): Promise<boolean> {
  const versions = await Promise.all((await versionSources(old, next)).map(readVersion))
  const files = versions.map((version) => version.file)
  if (files.some(hasErrors)) {
    console.error(reportProblems(files, { quiet: true }))
    return false
  }
  const diff = await diffReports(versions[0], versions[1])
  console.log(flags.json ? JSON.stringify(diff, null, 2) : diffToMarkdown(diff))
  return true
}
