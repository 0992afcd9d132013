import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { knownCodeKey } from './compile-cache.js'

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
  if (!createHash('sha256').update(data).digest().equals(file.subarray(0, 32))) return undefined
  // Marked as used: pruning keeps what was used last, not what was written last (which dropped a face's subset that every build read, so the next build made it again).
  try {
    const now = new Date()
    utimesSync(path.join(cacheRoot, kind, key), now, now)
  } catch {
    // A read-only install: pruning never runs there either.
  }
  return data
}

/**
 * Keep `data` under `kind/key` for the next build, whole or not at all, and
 * of `kind` only the `keep` used last, in at most `bytes` (`pruneCache`): a
 * cache that grew with every source or character set ever built would fill
 * the disk. A cache that cannot be written is no error.
 */
export function writeCache(kind: string, key: string, data: Uint8Array, keep: number, bytes = Infinity): void {
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
  pruneCache(kind, keep, bytes)
}

/** Keep at most `keep` entries of `kind`, those written or read most recently, in at most `bytes`: a cache by path would grow with every source ever built. */
function pruneCache(kind: string, keep: number, bytes: number): void {
  const dir = path.join(cacheRoot, kind)
  try {
    const names = readdirSync(dir)
    if (names.length <= keep && bytes === Infinity) return
    const written = names
      .map((name) => {
        const stat = statSync(path.join(dir, name))
        return { name, time: stat.mtimeMs, size: stat.size }
      })
      .sort((a, b) => b.time - a.time || a.name.localeCompare(b.name))
    let total = 0
    written.forEach(({ name, size }, index) => {
      total += size
      // The one just written (or read) stays, whatever its size.
      if (index >= keep || (index > 0 && total > bytes)) rmSync(path.join(dir, name), { force: true })
    })
  } catch {
    // Another build pruning at the same time, or a read-only install: nothing to do.
  }
}

/**
 * A map kept between builds under `kind/key`: it starts with what earlier
 * builds put in it, holds at most `limit` entries (it starts afresh when
 * full), and if this process adds to it, it is written back (as JSON) when
 * the process exits, once, however many builds it ran (`--watch`); of
 * `kind`, the `keep` used last stay on disk. For work worth keeping that a
 * build repeats, text by text, as an editor rebuilds: an edit leaves most
 * texts as they were. With `usedOnly`, it is written back with only the
 * entries this process read or added, and written back when it held others:
 * for a map of one source's texts, which an edit leaves behind, and every
 * build would otherwise read again.
 */
export function keptMap<V>(kind: string, key: string, limit: number, keep: number, { usedOnly = false } = {}): Map<string, V> {
  const map = new KeptMap<V>(limit, usedOnly)
  const data = readCache(kind, key)
  try {
    if (data) for (const [text, value] of (JSON.parse(data.toString('utf8')) as Array<[string, V]>).slice(0, limit)) Map.prototype.set.call(map, text, value)
  } catch {
    // Not this format (written by another version): start afresh.
    Map.prototype.clear.call(map)
  }
  if (keptMaps.length === 0) process.once('exit', writeKeptMaps)
  keptMaps.push({ map, kind, key, keep })
  return map
}

/** A map of at most `limit` entries that knows whether it was added to since it was read, and, if asked, which of its keys were used. */
class KeptMap<V> extends Map<string, V> {
  changed = false
  readonly used?: Set<string>
  constructor(
    readonly limit: number,
    usedOnly: boolean
  ) {
    super()
    if (usedOnly) this.used = new Set()
  }
  override get(key: string): V | undefined {
    const value = super.get(key)
    if (value !== undefined) this.used?.add(key)
    return value
  }
  override set(key: string, value: V): this {
    if (this.size >= this.limit && !this.has(key)) this.clear()
    this.changed = true
    this.used?.add(key)
    return super.set(key, value)
  }
}

const keptMaps: Array<{ map: KeptMap<unknown>; kind: string; key: string; keep: number }> = []

function writeKeptMaps(): void {
  for (const { map, kind, key, keep } of keptMaps) {
    const entries = map.used ? [...map].filter(([text]) => map.used!.has(text)) : [...map]
    if (map.changed || entries.length < map.size) writeCache(kind, key, Buffer.from(JSON.stringify(entries)), keep)
  }
}

let version: string | undefined
const require = createRequire(import.meta.url)

/**
 * All of dossier's code as it is installed, once per process: `dist/` as
 * bundled (`scripts/bundle.mjs` writes its hash beside it, in
 * `code-version`), or every file of `src/` as the tests run it, and the
 * packages installed beside it, by npm's record of their versions (or,
 * without one, by the code of those it loads from node_modules). For
 * what is kept whole, not made by one module alone (a memo's files): any
 * change to the code, or any package updated, makes it anew.
 */
export function codeVersion(): string {
  if (version) return version
  const code = fileURLToPath(new URL('./', import.meta.url))
  const hash = createHash('sha256')
  try {
    hash.update(readFileSync(path.join(code, 'code-version')))
  } catch {
    const files = readdirSync(code, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => path.join(entry.parentPath, entry.name))
      .sort()
    for (const file of files) hash.update(`${path.relative(code, file)}\0${knownCodeKey(file)}\0`)
  }
  // npm's record of what it installed: beside the package (its own `node_modules`), or the folder it is installed in;
  // where there is neither, the code of the packages dossier loads from node_modules, not bundled.
  const locks = [path.join(code, '..', 'node_modules', '.package-lock.json'), path.join(code, '..', '..', '.package-lock.json')]
  const lock = locks.find((file) => existsSync(file))
  if (lock) hash.update(readFileSync(lock))
  else for (const name of ['pdfmake', 'pdfkit', 'fontkit', 'subset-font']) hash.update(packageCode(name))
  return (version = hash.digest('hex'))
}

/** The code key of a package's main file, as dossier would load it; empty when it cannot be found (then dossier cannot load it either). */
function packageCode(name: string): string {
  try {
    return knownCodeKey(require.resolve(name))
  } catch {
    return ''
  }
}
