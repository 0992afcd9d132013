import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import path from 'node:path'
import type { Element, ElementContent, Root as HastRoot } from 'hast'
import { fromHtml } from 'hast-util-from-html'
import { readCache, writeCache } from '../../disk-cache.js'
import { charactersByFace, type DeclaredFace } from './font-usage.js'
import { remember } from '../../remember.js'

const require = createRequire(import.meta.url)

const mediaTypes: Record<string, string> = {
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.png': 'image/png',
  '.svg': 'image/svg+xml'
}

/** `url(data:…)` by specifier: package files do not change while dossier runs. */
const inlined = new Map<string, string>()

/**
 * Replace each `url("npm:PACKAGE/FILE")` in a stylesheet with the file's
 * bytes as a `data:` URL, so the page is one file that requests nothing.
 */
export async function inlineNpmUrls(css: string): Promise<string> {
  const pattern = /url\("npm:([^"]+)"\)/g
  const specifiers = [...new Set([...css.matchAll(pattern)].map((match) => match[1]))]
  await Promise.all(
    specifiers.filter((specifier) => !inlined.has(specifier)).map(async (specifier) => {
      const file = resolveSpecifier(specifier)
      const type = mediaTypes[path.extname(file)] ?? 'application/octet-stream'
      inlined.set(specifier, `url("data:${type};base64,${(await readFile(file)).toString('base64')}")`)
    })
  )
  return css.replace(pattern, (_, specifier: string) => inlined.get(specifier)!)
}

/**
 * Make an HTML page self-contained: the web fonts its `<style>` declares
 * (`@font-face` with `url("npm:…")`) are subset to the characters the page
 * sets in each and inlined as WOFF2, a face it sets nothing in is left out,
 * and any other `npm:` URL is inlined whole (`inlineNpmUrls`).
 */
export async function inlineAssets(html: string, part?: PagePart): Promise<string> {
  const styles = /(<style\b[^>]*>)([\s\S]*?)(<\/style>)/g
  const css = [...html.matchAll(styles)].map((match) => match[2]).join('\n')
  const rules = [...css.matchAll(fontFaceRule)].flatMap((match) => {
    const face = declaredFace(match[0])
    return face ? [{ rule: match[0], face }] : []
  })
  const whole = (page: string) => (part ? page.replace(partMarker, () => part.html) : page)
  if (rules.length === 0) return whole(await replaceAsync(html, styles, (style) => inlineNpmUrls(style)))
  // A stylesheet that asks for features (small capitals, old-style figures) keeps them all.
  const features = /font-feature-settings|font-variant/.test(css) ? undefined : defaultFeatures
  const usage = charactersByFace(pageTree(html, part), css.replace(fontFaceRule, ''), rules.map(({ face }) => face))
  const replacements = new Map(
    await Promise.all(
      rules.map(async ({ rule, face }) => {
        const characters = [...usage.get(face)!].sort().join('')
        if (!characters) return [rule, ''] as const
        const subset = await subsetFace(resolveSpecifier(face.specifier), characters, features)
        return [rule, rule.replace(/url\("npm:[^"]+"\)(\s*format\("[^"]*"\))?/, `url("data:font/woff2;base64,${subset.toString('base64')}") format("woff2")`)] as const
      })
    )
  )
  return whole(await replaceAsync(html, styles, (style) => inlineNpmUrls(style.replace(fontFaceRule, (rule) => replacements.get(rule) ?? rule).replace(/\n{2,}/g, '\n'))))
}

/**
 * A part of a page already made as a syntax tree (the report's body): the
 * page holds `partMarker` in its place, so that only the page around it is
 * parsed, not the body again. The marker becomes `html`.
 */
export interface PagePart {
  html: string
  tree: HastRoot
}

export const partMarker = '<dossier-part></dossier-part>'

/** The page around the part, parsed, by its text: under `--watch` an edit to the body leaves it as it was. */
const pages = new Map<string, HastRoot>()

/** The page's tree, with the part's own tree where its marker is. */
function pageTree(html: string, part?: PagePart): HastRoot {
  // The stylesheets are read apart: the parser need not go through them character by character.
  const page = html.replace(/(<style\b[^>]*>)[\s\S]*?(<\/style>)/g, '$1$2')
  const tree = remember(pages, page, 4, () => fromHtml(page))
  return (part && grafted(tree, part.tree.children as ElementContent[])) || tree
}

/** A copy of `parent` with `part` in place of the marker; only the elements on the way to it are copied, the kept page is left as it was. */
function grafted<T extends HastRoot | Element>(parent: T, part: ElementContent[]): T | undefined {
  const children = parent.children as ElementContent[]
  const at = children.findIndex((child) => child.type === 'element' && child.tagName === 'dossier-part')
  if (at >= 0) return { ...parent, children: [...children.slice(0, at), ...part, ...children.slice(at + 1)] }
  for (const [index, child] of children.entries()) {
    const copy = child.type === 'element' ? grafted(child, part) : undefined
    if (copy) return { ...parent, children: children.map((other, at) => (at === index ? copy : other)) }
  }
  return undefined
}

const fontFaceRule = /@font-face\s*\{[^}]*\}/g

/** A face from its `@font-face` rule, when its source is a font file in an npm package. */
function declaredFace(rule: string): (DeclaredFace & { specifier: string }) | undefined {
  const specifier = /url\("npm:([^"]+\.(?:woff2|woff|ttf|otf))"\)/.exec(rule)?.[1]
  const family = /font-family:\s*(?:"([^"]+)"|'([^']+)'|([^;]+))/.exec(rule)
  if (!specifier || !family) return undefined
  const weight = /font-weight:\s*(\w+)/.exec(rule)?.[1] ?? '400'
  return {
    specifier,
    family: (family[1] ?? family[2] ?? family[3]).trim(),
    weight: weight === 'bold' ? 700 : weight === 'normal' ? 400 : Number(weight),
    style: /font-style:\s*(italic|oblique)/.test(rule) ? 'italic' : 'normal'
  }
}

/** Package files by specifier: they do not move while dossier runs. */
const resolved = new Map<string, string>()

function resolveSpecifier(specifier: string): string {
  try {
    let file = resolved.get(specifier)
    if (!file) resolved.set(specifier, (file = require.resolve(specifier)))
    return file
  } catch {
    throw new Error(`cannot inline \`npm:${specifier}\` from the stylesheet: no such file in the installed packages`)
  }
}

/** Subsets by face and characters: a rebuild after an edit usually sets the same characters. */
const subsets = new Map<string, Promise<Buffer>>()
const keptSubsets = 64

/**
 * A face cut down to `characters` as WOFF2, by harfbuzz's subsetter, with
 * the layout `features` given (all when none are). Subsetting takes a while, so each result is kept, in
 * memory and on disk (`readCache`), by the face's bytes and the characters.
 */
async function subsetFace(file: string, characters: string, features: string[] | undefined): Promise<Buffer> {
  const face = await readFace(file)
  const key = createHash('sha256').update(subsetter()).update(`${features?.join(',') ?? '*'}\n`).update(face.hash).update('\0').update(characters).digest('hex')
  return remember(subsets, key, keptSubsets, () => readCached(key) ?? subsetNow(face.bytes, characters, features, key))
}

/** Web font files by path, with their SHA-256: package files do not change while dossier runs. */
const faces = new Map<string, Promise<{ bytes: Buffer; hash: string }>>()

function readFace(file: string): Promise<{ bytes: Buffer; hash: string }> {
  let face = faces.get(file)
  if (!face) {
    face = readFile(file).then((bytes) => ({ bytes, hash: createHash('sha256').update(bytes).digest('hex') }))
    faces.set(file, face)
  }
  return face
}

function readCached(key: string): Promise<Buffer> | undefined {
  const cached = readCache('subset', key)
  return cached && Promise.resolve(cached)
}

/** Features a browser turns on by itself for Latin, Greek, Cyrillic and the marks over them. */
const defaultFeatures = ['calt', 'ccmp', 'clig', 'kern', 'liga', 'locl', 'mark', 'mkmk', 'rlig']

/** Web font subsets kept between builds: a few faces, each with the characters of the last reports built. */
const keptSubsetsOnDisk = 64

async function subsetNow(face: Buffer, characters: string, features: string[] | undefined, key: string): Promise<Buffer> {
  // Loaded only when a subset is not cached: harfbuzz's WebAssembly takes a while to start.
  const { default: subsetFont } = await import('subset-font')
  const subset = await subsetFont(face, characters, { targetFormat: 'woff2', keepFeatures: features })
  writeCache('subset', key, subset, keptSubsetsOnDisk)
  return subset
}

let subsetterName: string | undefined

/** What a subset depends on besides the face and the characters: the subsetter's version and options. */
function subsetter(): string {
  subsetterName ??= `subset-font ${(require('subset-font/package.json') as { version: string }).version}\n`
  return subsetterName
}

async function replaceAsync(text: string, pattern: RegExp, replace: (inner: string) => Promise<string>): Promise<string> {
  const parts = await Promise.all([...text.matchAll(pattern)].map((match) => replace(match[2])))
  let index = 0
  return text.replace(pattern, (_, open: string, _inner: string, close: string) => `${open}${parts[index++]}${close}`)
}
