import path from 'node:path'
import type { VFile } from 'vfile'
import type { BuildOptions } from './build.js'
import { memoDefinitionsFolder } from './render/memo/definitions.js'
import { templateWatchTargets } from './templates.js'
import { safeDecode } from './text.js'

/** What a build run by the command line gives back: whether it succeeded, its problems as printed, and what it wrote. */
export interface BuildRun {
  ok: boolean
  problems: string
  written: string[]
  file: VFile
}

export interface WatchOptions {
  /** Build once and print what happened; the command line's own. */
  run(options: BuildOptions): Promise<BuildRun>
  /** Told each batch of files as soon as it is written: the web edition first. */
  onWrite?(written: string[]): void
  /** Told each build's outcome. */
  onBuilt?(run: BuildRun): void
  /** Told the watcher's errors and failures of dossier's own, which do not stop it. */
  onError(error: Error): void
}

/** The web edition and the data, written before the slower editions are laid out. */
const firstFormats = ['html', 'json']

/**
 * Build, then build again on every change to the source, its memo
 * definitions, a layer of its templates, or a file the source shows (its
 * images, read from `file.data.images`: those it could not read too, since
 * a missing file may appear). Resolves once the first build is done and
 * the watcher is ready, so that a save from then on is seen, with the
 * images it watches.
 */
export async function watchSource(options: BuildOptions, watchOptions: WatchOptions): Promise<string[]> {
  const { watch } = await import('chokidar')
  const source = path.resolve(options.source ?? path.join('source', 'report.md'))
  const watched = new Set([source, memoDefinitionsFolder(source), ...templateWatchTargets(source, options.templatesDir)].map((target) => path.resolve(target)))
  const images: string[] = []
  const watcher = watch([...watched], { ignoreInitial: true })
  const ready = new Promise<void>((resolve) => watcher.once('ready', () => resolve()))
  watcher.on('error', (error) => watchOptions.onError(error as Error))

  const buildOnce = async () => {
    const run = await watchOptions.run({ ...options, firstFormats, onWrite: watchOptions.onWrite })
    const inputs = usedFiles(run.file, source).filter((file) => !watched.has(file))
    for (const file of inputs) watched.add(file)
    images.push(...inputs)
    if (inputs.length > 0) watcher.add(inputs)
    watchOptions.onBuilt?.(run)
  }
  let running: Promise<unknown> = Promise.resolve()
  let timer: NodeJS.Timeout | undefined
  watcher.on('all', () => {
    clearTimeout(timer)
    // Editors save in bursts (write, rename, touch): wait until they are done.
    timer = setTimeout(() => {
      running = running.then(() =>
        // Keep watching after a failure of dossier's own: the next save may well fix it.
        buildOnce().catch((error: unknown) => watchOptions.onError(error as Error))
      )
    }, 50)
  })
  running = buildOnce().catch((error: unknown) => watchOptions.onError(error as Error))
  await Promise.all([ready, running])
  return images
}

/** The local files a build's source shows: its images, by URL as written, from the source's folder. */
function usedFiles(file: VFile, source: string): string[] {
  const folder = path.dirname(source)
  return [...(file.data.images?.keys() ?? [])]
    .filter((url) => !/^[a-z][a-z\d+.-]*:/i.test(url) && !url.startsWith('//'))
    .map((url) => path.resolve(folder, safeDecode(url.split(/[?#]/)[0])))
}
