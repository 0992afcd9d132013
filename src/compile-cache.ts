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
 * A module with a dynamic `import(…)` is compiled as Node would: Node 20
 * loses a script's import callback when V8 reads the script from a cache.
 * Only the command line's start (`cli.ts`) uses it, before what it caches loads.
 */
export function useCompileCache(dir: string, keep: number): void {
  const internal = Module as unknown as { prototype: { _compile(content: string, filename: string): unknown }; wrap(code: string): string }
  const compile = internal.prototype._compile
  const fresh: Array<{ script: vm.Script; file: string }> = []
  internal.prototype._compile = function (this: NodeJS.Module, content: string, filename: string) {
    if (/\bimport\s*\(/.test(content)) return compile.call(this, content, filename)
    // V8 checks its version, its flags and the text's length, not the text: the key is the text itself.
    const file = path.join(dir, createHash('sha256').update(process.version).update('\0').update(filename).update('\0').update(content).digest('hex'))
    let cachedData: Buffer | undefined
    try {
      cachedData = readFileSync(file)
    } catch {
      // Not compiled before: compiled now, and kept at exit.
    }
    const script = new vm.Script(internal.wrap(content.startsWith('#!') ? `//${content.slice(2)}` : content), { filename, cachedData })
    if (cachedData === undefined || script.cachedDataRejected) fresh.push({ script, file })
    else touch(file)
    const run = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: NodeJS.Module, filename: string, dirname: string) => unknown
    return run.call(this.exports, this.exports, createRequire(filename), this, filename, path.dirname(filename))
  }
  process.once('exit', () => {
    if (fresh.length === 0) return
    try {
      mkdirSync(dir, { recursive: true })
      for (const { script, file } of fresh) {
        writeFileSync(`${file}.${process.pid}.tmp`, script.createCachedData())
        renameSync(`${file}.${process.pid}.tmp`, file)
      }
      prune(dir, keep)
    } catch {
      // A read-only install runs as it did before the cache.
    }
  })
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
