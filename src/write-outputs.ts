import { copyFile, link, lstat, mkdir, mkdtemp, readdir, rename, rm, stat, writeFile } from 'node:fs/promises'
import path from 'node:path'
import type { OutputFile } from './types.js'

/** Temporary folders inside the output folder are named so: `.dossier-PID-XXXXXX`. */
const prefix = '.dossier-'

/** Why the outputs could not be written: the path and the system's reason. */
export class OutputError extends Error {
  constructor(
    readonly where: string,
    readonly why: string
  ) {
    super(`Cannot write to \`${where}\` (${why})`)
  }
}

/**
 * A build's outputs on their way into the output folder. Opened before
 * anything is rendered, so an output folder that cannot be written stops the
 * build at once; outputs are staged in a temporary folder inside it (one
 * file system, so each rename is atomic) and moved into place together.
 */
export interface Staging {
  /** Move the outputs into place, all or none; the paths written. May be called again with other outputs. */
  commit(outputs: OutputFile[]): Promise<string[]>
  /** Remove the staging folder: what was not committed is dropped. */
  discard(): Promise<void>
}

export async function openStaging(outDir: string): Promise<Staging> {
  let folder: string
  try {
    await makeFolder(outDir)
    await removeStale(outDir)
    folder = await mkdtemp(path.join(outDir, `${prefix}${process.pid}-`))
  } catch (error) {
    throw outputError(error, outDir)
  }
  const discard = () => rm(folder, { recursive: true, force: true })
  return {
    discard,
    commit: (outputs) => moveIntoPlace(outDir, folder, outputs)
  }
}

/**
 * Write every output into the staging folder, then replace each target by
 * a rename, keeping a hard link to the file it replaces: a failure undoes
 * the renames already made, and a kill at any moment leaves each target
 * either old or new, never missing or half written.
 */
async function moveIntoPlace(outDir: string, folder: string, outputs: OutputFile[]): Promise<string[]> {
  const moves = outputs.map((output) => ({
    target: path.join(outDir, output.path),
    fresh: path.join(folder, 'new', output.path),
    previous: path.join(folder, 'old', output.path),
    data: output.data
  }))
  for (const move of moves) {
    try {
      await makeFolder(path.dirname(move.fresh))
      await writeFile(move.fresh, move.data)
      await makeFolder(path.dirname(move.target))
    } catch (error) {
      throw outputError(error, move.target)
    }
    await refuseNonFile(move.target)
  }
  const done: Array<{ target: string; previous?: string }> = []
  try {
    for (const move of moves) {
      const kept = await keepPrevious(move.target, move.previous)
      await rename(move.fresh, move.target)
      done.push({ target: move.target, previous: kept ? move.previous : undefined })
    }
  } catch (error) {
    for (const { target, previous } of done.reverse()) {
      if (previous) await rename(previous, target).catch(() => undefined)
      else await rm(target, { force: true })
    }
    throw outputError(error, moves[done.length]?.target ?? outDir)
  }
  return moves.map((move) => move.target)
}

/** A target that is a folder, a link or a device is the user's, not an old edition: never replaced. */
async function refuseNonFile(target: string): Promise<void> {
  const stats = await lstat(target).catch(() => undefined)
  if (stats && !stats.isFile()) throw new OutputError(target, `it is ${stats.isDirectory() ? 'a folder' : 'not a regular file'}`)
}

/** A hard link to the file a target replaces, for undoing; false when there is none. */
async function keepPrevious(target: string, previous: string): Promise<boolean> {
  try {
    await makeFolder(path.dirname(previous))
    await link(target, previous)
    return true
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false
    // A file system without hard links: a copy will do.
    await copyFile(target, previous)
    return true
  }
}

/**
 * `mkdir -p`, one folder at a time: Node's recursive `mkdir` never returns
 * for a path under `/proc` (it retries the parent that exists forever).
 */
async function makeFolder(folder: string): Promise<void> {
  const stats = await stat(folder).catch(() => undefined)
  if (stats?.isDirectory()) return
  if (stats) throw Object.assign(new Error('not a folder'), { code: 'ENOTDIR', path: folder })
  const parent = path.dirname(folder)
  if (parent !== folder) await makeFolder(parent)
  await mkdir(folder).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'EEXIST') throw error
  })
}

/** Staging folders of builds that were killed (their process is gone). */
async function removeStale(outDir: string): Promise<void> {
  for (const name of await readdir(outDir)) {
    const pid = new RegExp(`^${prefix.replace('.', '\\.')}(\\d+)-`).exec(name)?.[1]
    if (pid && !alive(Number(pid))) await rm(path.join(outDir, name), { recursive: true, force: true })
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

function outputError(error: unknown, fallback: string): OutputError {
  if (error instanceof OutputError) return error
  const { code, path: where } = error as NodeJS.ErrnoException
  const why = { ENOENT: 'it cannot be made there', ENOTDIR: 'not a folder', EACCES: 'permission denied', EROFS: 'read-only file system', ENOSPC: 'no space left', EISDIR: 'it is a folder' }[code ?? '']
  return new OutputError(where ?? fallback, why ?? code ?? String(error))
}
