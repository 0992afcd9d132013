import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import path from 'node:path'

const require = createRequire(import.meta.url)

const mediaTypes: Record<string, string> = {
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.png': 'image/png',
  '.svg': 'image/svg+xml'
}

/**
 * Replace each `url("npm:PACKAGE/FILE")` in a stylesheet with the file's
 * bytes as a `data:` URL, so the page is one file that requests nothing.
 */
/** `url(data:…)` by specifier: package files do not change while dossier runs. */
const inlined = new Map<string, string>()

export async function inlineNpmUrls(css: string): Promise<string> {
  const pattern = /url\("npm:([^"]+)"\)/g
  const specifiers = [...new Set([...css.matchAll(pattern)].map((match) => match[1]))]
  await Promise.all(
    specifiers.filter((specifier) => !inlined.has(specifier)).map(async (specifier) => {
      let file: string
      try {
        file = require.resolve(specifier)
      } catch {
        throw new Error(`cannot inline \`npm:${specifier}\` from the stylesheet: no such file in the installed packages`)
      }
      const type = mediaTypes[path.extname(file)] ?? 'application/octet-stream'
      inlined.set(specifier, `url("data:${type};base64,${(await readFile(file)).toString('base64')}")`)
    })
  )
  return css.replace(pattern, (_, specifier: string) => inlined.get(specifier)!)
}
