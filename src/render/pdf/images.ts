import { access } from 'node:fs/promises'
import path from 'node:path'
import type { Root } from 'mdast'
import { visit } from 'unist-util-visit'
import type { VFile } from 'vfile'
import { problem } from '../../message.js'

/** Formats PDFKit can embed. */
const embeddable = /\.(png|jpe?g)$/i

/**
 * Find the local image files the report uses. Only files below the source's
 * folder are read; URLs are never fetched. Anything else is a warning, and
 * print shows the image's alternative text in its place.
 */
export async function resolveImages(tree: Root, file: VFile, sourceDir: string): Promise<Map<string, string>> {
  const found = new Map<string, string>()
  const nodes: Array<{ url: string; node: Parameters<typeof problem>[2] }> = []
  visit(tree, 'image', (node) => {
    nodes.push({ url: node.url, node })
  })
  const root = path.resolve(sourceDir)
  for (const { url, node } of nodes) {
    if (found.has(url)) continue
    const warn = (reason: string) => problem(file, reason, node, 'pdf-image', { fatal: false, source: 'dossier-pdf' })
    if (/^[a-z][a-z\d+.-]*:/i.test(url)) {
      warn(`Unexpected remote image \`${url}\` in print, expected a file below the source folder (nothing is fetched)`)
      continue
    }
    const target = path.resolve(root, decodeURI(url.split(/[?#]/)[0]))
    const relative = path.relative(root, target)
    if (relative.startsWith('..') || path.isAbsolute(relative)) {
      warn(`Unexpected image \`${url}\` outside the source folder, expected a file below it`)
      continue
    }
    if (!embeddable.test(target)) {
      warn(`Unexpected image format for \`${url}\`, expected PNG or JPEG`)
      continue
    }
    try {
      await access(target)
      found.set(url, target)
    } catch {
      warn(`Cannot find image \`${url}\`, expected a file at \`${relative}\``)
    }
  }
  return found
}
