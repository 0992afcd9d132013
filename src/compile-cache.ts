import { createHash } from 'node:crypto'
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs'
import Module, { createRequire } from 'node:module'
import path from 'node:path'
import vm from 'node:vm'

/**
 * V8's compiled code of dossier's modules, kept between runs. Node 20 keeps
 * none (its compile cache came in Node 22), so every run compiled some 4 MB
 * of dossier and 2 MB of pdfmake, PDFKit, fontkit and docx again, and every
 * function it called: about a tenth of a build of report.md. Each CommonJS
 * module the command line loads (`dist/` is CommonJS, see
 * `scripts/bundle.mjs`) is compiled with the code an earlier run left in
 * `dir` for its exact text; one compiled afresh leaves its code, with the
 * functions compiled while it ran, when the process ends.
 *
 * What a module's code holds is what the run that left it called: a
 * `check`, or a build of the web edition alone, leaves the modules a whole
 * build loads without most of the functions it calls (a build of every
 * edition after a `check` took a tenth longer, run after run). So each
 * entry says how many formats its run built (`builtFormats`), and a run
 * that built more leaves its own code in place of the entry it read.
 *
 * A module with a dynamic `import(…)` is compiled as Node would: Node 20
 * loses a script's import callback when V8 reads the script from a cache.
 * Only the command line's start (`cli.ts`) uses it, before what it caches loads.
 */
export function useCompileCache(dir: string, keep: number): void {
  const internal = Module as unknown as { prototype: { _compile(content: string, filename: string): unknown }; wrap(code: string): string }
  const compile = internal.prototype._compile
  // Compiled here, and how many formats the run that left each entry read from the cache built.
  const compiled: Array<{ script: vm.Script; file: string; formats?: number }> = []
  internal.prototype._compile = function (this: NodeJS.Module, content: string, filename: string) {
    if (/\bimport\s*\(/.test(content)) return compile.call(this, content, filename)
    // V8 checks its version, its flags and the text's length, not the text: the key is the text itself.
    const key = codeKey(filename, content)
    keys.set(filename, key)
    const file = path.join(dir, key)
    let entry: Buffer | undefined
    try {
      entry = readFileSync(file)
    } catch {
      // Not compiled before: compiled now, and kept at exit.
    }
    const cachedData = entry && entry.length > header ? entry.subarray(header) : undefined
    const script = new vm.Script(internal.wrap(content.startsWith('#!') ? `//${content.slice(2)}` : content), { filename, cachedData })
    const formats = cachedData && !script.cachedDataRejected ? entry!.readUInt32LE(0) : undefined
    compiled.push({ script, file, formats })
    if (formats !== undefined) touch(file)
    const run = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: NodeJS.Module, filename: string, dirname: string) => unknown
    return run.call(this.exports, this.exports, createRequire(filename), this, filename, path.dirname(filename))
  }
  process.once('exit', () => {
    const kept = compiled.filter((module) => module.formats === undefined || built > module.formats)
    if (kept.length === 0) return
    try {
      mkdirSync(dir, { recursive: true })
      const written = Buffer.alloc(header)
      written.writeUInt32LE(built, 0)
      for (const { script, file } of kept) {
        writeFileSync(`${file}.${process.pid}.tmp`, Buffer.concat([written, script.createCachedData()]))
        renameSync(`${file}.${process.pid}.tmp`, file)
      }
      prune(dir, keep)
    } catch {
      // A read-only install runs as it did before the cache.
    }
  })
}

/** A module's code is kept under a hash of Node's version, its path and its text. */
export function codeKey(filename: string, content: string): string {
  return createHash('sha256').update(`${process.version}\0${header}\0`).update(filename).update('\0').update(content).digest('hex')
}

/** By file, the key of each module compiled through the cache in this process. */
const keys = new Map<string, string>()

/**
 * `file`'s `codeKey`, worked out once: as its module loaded, if it loaded
 * through the cache, else now, the same. What the disk caches keep is found
 * by the code that made it too (a new version makes it anew), by this key:
 * docx's layout alone is 1.6 MB, not read and hashed again.
 */
export function knownCodeKey(file: string): string {
  let key = keys.get(file)
  if (key === undefined) keys.set(file, (key = codeKey(file, readFileSync(file, 'utf8'))))
  return key
}

/** An entry's header: how many formats the run that left it built. */
const header = 4

/** How many formats this run built: none until a build says (`builtFormats`). */
let built = 0

/** Say how many formats this run built (a `check` builds none), for the code it leaves (see `useCompileCache`). */
export function builtFormats(count: number): void {
  built = Math.max(built, count)
}

/** Marked as used: pruning keeps what runs read last. */
function touch(file: string): void {
  try {
    const now = new Date()
    utimesSync(file, now, now)
  } catch {
    // A read-only install.
  }
}

/** At most `keep` entries, those used last: each release of dossier or a package leaves its own. */
function prune(dir: string, keep: number): void {
  const names = readdirSync(dir).filter((name) => !name.endsWith('.tmp'))
  if (names.length <= keep) return
  const used = names.map((name) => ({ name, time: statSync(path.join(dir, name)).mtimeMs })).sort((a, b) => b.time - a.time || a.name.localeCompare(b.name))
  for (const { name } of used.slice(keep)) rmSync(path.join(dir, name), { force: true })
}
