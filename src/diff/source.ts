import { execFile } from 'node:child_process'
import { readFile, stat } from 'node:fs/promises'
import path from 'node:path'
import { promisify } from 'node:util'
import { VFile } from 'vfile'
import { problem } from '../message.js'
import { parseReport } from '../pipeline.js'
import type { ReportVersion } from './index.js'

const run = promisify(execFile)

/** Where one version of a report comes from: a file, or a file as it was at a git revision. */
export interface VersionSource {
  path: string
  revision?: string
}

/**
 * `dossier diff OLD [NEW]`: OLD is a file when one by that name exists,
 * else a git revision of NEW (`HEAD~1`, `main`), read with `git show`.
 */
export async function versionSources(old: string, next: string): Promise<[VersionSource, VersionSource]> {
  const isFile = await stat(old).then((entry) => entry.isFile(), () => false)
  return [isFile ? { path: old } : { path: next, revision: old }, { path: next }]
}

/** Read and parse one version; problems (an unreadable file, an unknown revision) are messages on its vfile. */
export async function readVersion(source: VersionSource): Promise<ReportVersion> {
  const name = source.revision ? `${source.revision}:${source.path}` : source.path
  // The working path, so that images resolve; messages name the revision.
  const file = new VFile({ path: source.path })
  try {
    file.value = source.revision ? await atRevision(source.path, source.revision) : await readFile(source.path, 'utf8')
  } catch (error) {
    const reason = source.revision
      ? `Cannot read \`${source.path}\` at revision \`${source.revision}\`: ${gitSays(error)}, expected a git revision that has the file`
      : `Cannot read the source: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : String(error)}, expected a Markdown file`
    problem(file, reason, undefined, source.revision ? 'diff-revision' : 'source-unreadable')
    return { source: name, tree: { type: 'root', children: [] }, file }
  }
  const tree = await parseReport(file)
  for (const message of file.messages) if (message.file === source.path) message.file = name
  return { source: name, tree, file }
}

/** The file's text at a revision, from the repository it is in (`git show REV:./NAME`). */
async function atRevision(file: string, revision: string): Promise<string> {
  const { stdout } = await run('git', ['show', `${revision}:./${path.basename(file)}`], { cwd: path.dirname(path.resolve(file)), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
  return stdout
}

/** The first line git printed, or why git could not run. */
function gitSays(error: unknown): string {
  const { stderr, code } = error as { stderr?: string; code?: string | number }
  if (code === 'ENOENT') return 'git is not installed'
  return (stderr ?? String(error)).trim().split('\n')[0].replace(/^fatal: /, '').replace(/\.$/, '')
}
