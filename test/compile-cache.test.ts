import { spawnSync } from 'node:child_process'
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { cli, reportSource, root, tempDir } from './helpers.js'

/** Run `main` in a fresh Node with dossier's compile cache kept in `cacheDir`; its stdout. */
function withCache(cacheDir: string, main: string): string {
  const hook = path.join(root, 'dist', 'compile-cache.js')
  const script = `require(${JSON.stringify(hook)}).useCompileCache(${JSON.stringify(cacheDir)}, 50); ${main}`
  const run = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' })
  expect(run.status, run.stderr).toBe(0)
  return run.stdout
}

describe("V8's compiled code kept between runs", () => {
  it('is kept for a module, and not used once its text changes, even to a text of the same length', () => {
    const dir = tempDir('compile-cache-')
    const cacheDir = path.join(dir, 'cache')
    const module = path.join(dir, 'words.cjs')
    const load = `console.log(require(${JSON.stringify(module)}).words())`
    writeFileSync(module, "exports.words = () => 'first words'\n")
    expect(withCache(cacheDir, load)).toBe('first words\n')
    expect(readdirSync(cacheDir)).toHaveLength(1)
    expect(withCache(cacheDir, load)).toBe('first words\n')
    // V8 itself checks only the length of the text its code was compiled from.
    writeFileSync(module, "exports.words = () => 'other words'\n")
    expect(withCache(cacheDir, load)).toBe('other words\n')
  })

  // Disk caches key what they keep by the code that made it (`knownCodeKey`): the same key whether or not the module was loaded.
  it('names a module by the key its code is kept under, the same before it is loaded and without the cache', () => {
    const dir = tempDir('compile-cache-')
    const cacheDir = path.join(dir, 'cache')
    const module = path.join(dir, 'words.cjs')
    writeFileSync(module, "exports.words = () => 'words'\n")
    const hook = JSON.stringify(path.join(root, 'dist', 'compile-cache.js'))
    const key = `require(${hook}).knownCodeKey(${JSON.stringify(module)})`
    const loaded = withCache(cacheDir, `require(${JSON.stringify(module)}); console.log(${key})`).trim()
    expect(readdirSync(cacheDir)).toEqual([loaded])
    expect(withCache(path.join(dir, 'other'), `console.log(${key})`).trim()).toBe(loaded)
    const run = spawnSync(process.execPath, ['-e', `console.log(${key})`], { encoding: 'utf8' })
    expect(run.stdout.trim()).toBe(loaded)
    writeFileSync(module, "exports.words = () => 'other'\n")
    expect(spawnSync(process.execPath, ['-e', `console.log(${key})`], { encoding: 'utf8' }).stdout.trim()).not.toBe(loaded)
  })

  // A `check` calls few of the functions a build of every edition does: its code was what every later build read.
  it('keeps the code of the run that built the most formats', () => {
    const dir = tempDir('compile-cache-')
    const cacheDir = path.join(dir, 'cache')
    const module = path.join(dir, 'words.cjs')
    writeFileSync(module, "exports.words = () => 'words'\n")
    const hook = path.join(root, 'dist', 'compile-cache.js')
    const run = (formats: number) => withCache(cacheDir, `require(${JSON.stringify(module)}).words(); require(${JSON.stringify(hook)}).builtFormats(${formats})`)
    const entry = () => {
      const [name] = readdirSync(cacheDir)
      return { ino: statSync(path.join(cacheDir, name)).ino, formats: readFileSync(path.join(cacheDir, name)).readUInt32LE(0) }
    }
    run(0)
    const first = entry()
    expect(first.formats).toBe(0)
    run(0)
    expect(entry()).toEqual(first)
    // A run that built more replaces it; one that built as many or fewer leaves it.
    run(3)
    const wider = entry()
    expect(wider.ino).not.toBe(first.ino)
    expect(wider.formats).toBe(3)
    run(3)
    run(1)
    expect(entry()).toEqual(wider)
  })

  it('leaves a module that imports dynamically able to import, run after run', () => {
    const dir = tempDir('compile-cache-')
    const module = path.join(dir, 'imports.cjs')
    writeFileSync(module, "exports.sep = () => import('node:path').then((path) => path.sep)\n")
    const load = `require(${JSON.stringify(module)}).sep().then((sep) => console.log(sep))`
    for (let run = 0; run < 2; run++) expect(withCache(path.join(dir, 'cache'), load)).toBe(`${path.sep}\n`)
  })

  it('covers every module of dist/: none but the one that starts it imports dynamically', () => {
    const modules = readdirSync(path.join(root, 'dist'), { recursive: true, encoding: 'utf8' }).filter((name) => name.endsWith('.js') && name !== 'cli.js')
    expect(modules.length).toBeGreaterThan(10)
    expect(modules.filter((name) => readFileSync(path.join(root, 'dist', name), 'utf8').match(/\bimport\s*\(/))).toEqual([])
  })

  it('builds the same editions from kept code as from code compiled afresh', () => {
    const kept = tempDir('compile-cache-')
    const fresh = tempDir('compile-cache-')
    // Twice, so the second run's code surely comes from the cache the first left.
    for (let run = 0; run < 2; run++) expect(cli(['build', reportSource, '--out', kept, '--format', 'html,json,docx']).status).toBe(0)
    const build = path.join(root, 'dist', 'build.js')
    const script = `require(${JSON.stringify(build)}).build({ source: ${JSON.stringify(reportSource)}, outDir: ${JSON.stringify(fresh)}, formats: ['html', 'json', 'docx'] })`
    expect(spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' }).status).toBe(0)
    const files = readdirSync(kept, { recursive: true, encoding: 'utf8' }).filter((name) => /\.(html|json|docx)$/.test(name))
    expect(files.length).toBeGreaterThanOrEqual(3)
    for (const name of files) expect(readFileSync(path.join(fresh, name)).equals(readFileSync(path.join(kept, name))), name).toBe(true)
  })
})
