import { accessSync, constants, copyFileSync, linkSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import type { OutputFile } from './types.js'

/** Temporary folders and files inside the output folder are named so: `.dossier-PID-XXXXXX`. */
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
 * file system, so each rename is atomic) and moved into place together, or,
 * one alone, written beside them and renamed (`moveIntoPlace`).
 * The file system is called synchronously: a rebuild under `--watch`
 * writes a page in a couple of dozen small steps, and each round trip
 * through Node's thread pool cost more than the step itself (half of a
 * web edition's rebuild went to waiting on them).
 */
export interface Staging {
  /** Move the outputs into place, all or none; the paths written. May be called again with other outputs. */
  commit(outputs: OutputFile[]): Promise<string[]>
  /** Remove the staging folder: what was not committed is dropped. */
  discard(): Promise<void>
}

export async function openStaging(outDir: string): Promise<Staging> {
  try {
    makeFolder(outDir)
    removeStale(outDir)
    accessSync(outDir, constants.W_OK)
  } catch (error) {
    throw outputError(error, outDir)
  }
  // Made for the first commit of more than one output: one alone needs no folder (see `moveIntoPlace`).
  let folder: string | undefined
  const staged = () => {
    try {
      return (folder ??= mkdtempSync(path.join(outDir, `${prefix}${process.pid}-`)))
    } catch (error) {
      throw outputError(error, outDir)
    }
  }
  return {
    discard: async () => {
      if (folder) rmSync(folder, { recursive: true, force: true })
    },
    commit: (outputs) => moveIntoPlace(outDir, outputs.length > 1 ? staged() : undefined, outputs)
  }
}

/**
 * Write every output into the staging folder, then replace each target by
 * a rename, keeping a hard link to the file it replaces: a failure undoes
 * the renames already made, and a kill at any moment leaves each target
 * either old or new, never missing or half written. One output alone needs
 * no folder and no undo: it is written beside the others (`.dossier-PID-N`,
 * removed by the next build if this one is killed) and renamed over its
 * target, which is the whole change, made or not. A rebuild under `--watch`
 * writes one page: a folder made and removed around it was a tenth of the
 * rebuild.
 */
async function moveIntoPlace(outDir: string, folder: string | undefined, outputs: OutputFile[]): Promise<string[]> {
  const moves = outputs.map((output) => ({
    target: path.join(outDir, output.path),
    fresh: folder ? path.join(folder, 'new', output.path) : path.join(outDir, `${prefix}${process.pid}-${++written}`),
    previous: folder && path.join(folder, 'old', output.path),
    data: output.data
  }))
  // A staging folder goes with `discard`; a file written beside the outputs goes here.
  const dropFresh = () => {
    if (!folder) for (const move of moves) rmSync(move.fresh, { force: true })
  }
  for (const move of moves) {
    try {
      makeFolder(path.dirname(move.fresh))
      writeFileSync(move.fresh, move.data)
      makeFolder(path.dirname(move.target))
      refuseNonFile(move.target)
    } catch (error) {
      dropFresh()
      throw outputError(error, move.target)
    }
  }
  const done: Array<{ target: string; previous?: string }> = []
  try {
    for (const move of moves) {
      const kept = move.previous !== undefined && keepPrevious(move.target, move.previous)
      renameSync(move.fresh, move.target)
      done.push({ target: move.target, previous: kept ? move.previous : undefined })
    }
  } catch (error) {
    dropFresh()
    for (const { target, previous } of done.reverse()) {
      try {
        if (previous) renameSync(previous, target)
        else rmSync(target, { force: true })
      } catch {
        // Undone as far as it can be.
      }
    }
    throw outputError(error, moves[done.length]?.target ?? outDir)
  }
  return moves.map((move) => move.target)
}

/** Files written beside the outputs so far: each gets a name of its own. */
let written = 0

/** A target that is a folder, a link or a device is the user's, not an old edition: never replaced. */
function refuseNonFile(target: string): void {
  const stats = lstatSync(target, { throwIfNoEntry: false })
  if (stats && !stats.isFile()) throw new OutputError(target, `it is ${stats.isDirectory() ? 'a folder' : 'not a regular file'}`)
}

/** A hard link to the file a target replaces, for undoing; false when there is none. */
function keepPrevious(target: string, previous: string): boolean {
  try {
    makeFolder(path.dirname(previous))
    linkSync(target, previous)
    return true
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false
    // A file system without hard links: a copy will do.
    copyFileSync(target, previous)
    return true
  }
}

/**
 * `mkdir -p`, one folder at a time: Node's recursive `mkdir` never returns
 * for a path under `/proc` (it retries the parent that exists forever).
 */
function makeFolder(folder: string): void {
  const stats = statSync(folder, { throwIfNoEntry: false })
  if (stats?.isDirectory()) return
  if (stats) throw Object.assign(new Error('not a folder'), { code: 'ENOTDIR', path: folder })
  const parent = path.dirname(folder)
  if (parent !== folder) makeFolder(parent)
  try {
    mkdirSync(folder)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
  }
}

/** Staging folders of builds that were killed (their process is gone). */
function removeStale(outDir: string): void {
  for (const name of readdirSync(outDir)) {
    const pid = new RegExp(`^${prefix.replace('.', '\\.')}(\\d+)-`).exec(name)?.[1]
    if (pid && !alive(Number(pid))) rmSync(path.join(outDir, name), { recursive: true, force: true })
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
