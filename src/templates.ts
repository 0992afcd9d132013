import { existsSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * Template folders, highest first; the last is dossier's own `templates/`,
 * which holds every file. A folder above it holds only the files it
 * changes.
 */
export type TemplateLayers = readonly string[]

/** dossier's own templates: every file a renderer reads is here. */
export const ownTemplates = fileURLToPath(new URL('../templates', import.meta.url))

/**
 * The template folders for a source, highest first: `templatesDir` (the
 * command line's `--templates`), then a `templates/` folder beside the
 * source when there is one, then dossier's own. Folders that do not exist
 * are left out; each folder appears once.
 */
export function templateLayers(source: string, templatesDir?: string): string[] {
  const candidates = [templatesDir, path.join(path.dirname(source), 'templates')].filter((dir): dir is string => dir !== undefined && isFolder(dir))
  const layers: string[] = []
  for (const dir of [...candidates, ownTemplates]) {
    if (!layers.some((layer) => path.resolve(layer) === path.resolve(dir))) layers.push(dir)
  }
  return layers
}

/** Where `--watch` looks for changes to templates: each layer, and a `templates/` beside the source that may yet be made. */
export function templateWatchTargets(source: string, templatesDir?: string): string[] {
  return [...new Set([...templateLayers(source, templatesDir), path.join(path.dirname(source), 'templates')])]
}

/**
 * The template `relativePath` (`memo/layout.yaml`) from the highest layer
 * that holds it. dossier's own folder holds every template, so a missing
 * one is a bug of ours, not the user's.
 */
export function templateFile(layers: TemplateLayers, relativePath: string): string {
  const found = layers.map((layer) => path.join(layer, relativePath)).find((candidate) => existsSync(candidate))
  if (!found) throw new Error(`Missing template \`${relativePath}\` in ${layers.join(', ')}`)
  return found
}

/**
 * A template file's text. Read synchronously: templates are small, and a
 * rebuild under `--watch` reads half a dozen, where each asynchronous read
 * (four trips through Node's thread pool) took longer than the file.
 */
export function readTemplate(file: string): string {
  return readFileSync(file, 'utf8')
}

/**
 * Every layer's copy of `relativePath`, lowest (dossier's own) first: for
 * templates merged key by key, each layer over the ones below it.
 */
export function templateFiles(layers: TemplateLayers, relativePath: string): string[] {
  return layers
    .map((layer) => path.join(layer, relativePath))
    .filter((candidate) => existsSync(candidate))
    .reverse()
}

export function isFolder(dir: string): boolean {
  return existsSync(dir) && statSync(dir).isDirectory()
}
