import { createHash } from 'node:crypto'
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

/** Where derived data (deflated fonts, font subsets) is kept between builds, as other tools keep theirs. */
const cacheRoot = fileURLToPath(new URL('../node_modules/.cache/dossier/', import.meta.url))

/**
 * Data kept under `kind/key` by an earlier build, or nothing. A cache file
 * holds the SHA-256 of the rest (32 bytes), then the data: a file cut short
 * or damaged fails the check and counts as missing.
 */
export function readCache(kind: string, key: string): Buffer | undefined {
  let file: Buffer
  try {
    file = readFileSync(path.join(cacheRoot, kind, key))
  } catch {
    return undefined
  }
  const data = file.subarray(32)
  return createHash('sha256').update(data).digest().equals(file.subarray(0, 32)) ? data : undefined
}

/**
 * Keep `data` under `kind/key` for the next build, whole or not at all, and
 * of `kind` only the `keep` written last (`pruneCache`): a cache that grew
 * with every source or character set ever built would fill the disk. A
 * cache that cannot be written is no error.
 */
export function writeCache(kind: string, key: string, data: Uint8Array, keep: number): void {
  const dir = path.join(cacheRoot, kind)
  const target = path.join(dir, key)
  try {
    mkdirSync(dir, { recursive: true })
    writeFileSync(`${target}.${process.pid}.tmp`, Buffer.concat([createHash('sha256').update(data).digest(), data]))
    renameSync(`${target}.${process.pid}.tmp`, target)
  } catch {
    // Read-only installs build as fast as before the cache existed.
    return
  }
  pruneCache(kind, keep)
}

/** Keep at most `keep` entries of `kind`, the most recently written: a cache by path would grow with every source ever built. */
function pruneCache(kind: string, keep: number): void {
  const dir = path.join(cacheRoot, kind)
  try {
    const names = readdirSync(dir)
    if (names.length <= keep) return
    const written = names.map((name) => ({ name, time: statSync(path.join(dir, name)).mtimeMs })).sort((a, b) => b.time - a.time || a.name.localeCompare(b.name))
    for (const { name } of written.slice(keep)) rmSync(path.join(dir, name), { force: true })
  } catch {
    // Another build pruning at the same time, or a read-only install: nothing to do.
  }
}
