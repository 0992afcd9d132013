import { readFile } from 'node:fs/promises'
import path from 'node:path'
import type { Definition, Image, ImageReference, Root } from 'mdast'
import { visit } from 'unist-util-visit'
import type { VFile } from 'vfile'
import { problem } from '../../message.js'

/** An image's bytes and size, read before the walk so builders stay synchronous. */
export interface LoadedImage {
  type: 'png' | 'jpg' | 'gif' | 'bmp'
  data: Uint8Array
  /** Pixels, as the file gives them. */
  width: number
  height: number
}

const source = 'dossier-docx'

/**
 * Read every image the report shows from the source's folder. An image
 * that cannot be read (outside the folder, on the web, in a format Word
 * cannot show without a fallback) is reported and left to its alt text.
 */
export async function loadImages(tree: Root, file: VFile, sourceDir: string): Promise<Map<string, LoadedImage>> {
  const definitions = new Map<string, Definition>()
  visit(tree, 'definition', (node) => {
    if (!definitions.has(node.identifier)) definitions.set(node.identifier, node)
  })
  const wanted = new Map<string, Image | ImageReference>()
  visit(tree, (node) => {
    if (node.type === 'image') wanted.set(node.url, node)
    if (node.type === 'imageReference') {
      const definition = definitions.get(node.identifier)
      if (definition) wanted.set(definition.url, node)
    }
  })
  const images = new Map<string, LoadedImage>()
  for (const [url, node] of wanted) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(url)) {
      problem(file, `Cannot embed the image \`${url}\` in the Word edition, expected a file below the source's folder; its alt text stands in`, node, 'docx-image-remote', { source, fatal: false })
      continue
    }
    const target = path.resolve(sourceDir, decodeURI(url.split(/[?#]/)[0]))
    if (path.relative(sourceDir, target).startsWith('..') || path.isAbsolute(path.relative(sourceDir, target))) {
      problem(file, `Unexpected image outside the source's folder: \`${url}\``, node, 'docx-image-outside')
      continue
    }
    let data: Uint8Array
    try {
      data = new Uint8Array(await readFile(target))
    } catch (error) {
      problem(file, `Cannot read the image \`${url}\`: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, node, 'docx-image-unreadable')
      continue
    }
    const measured = measureImage(data)
    if (!measured) {
      problem(file, `Cannot show the image \`${url}\` in the Word edition, expected PNG, JPEG, GIF or BMP; its alt text stands in`, node, 'docx-image-format', { source, fatal: false })
      continue
    }
    images.set(url, { ...measured, data })
  }
  return images
}

/** The format and pixel size of a PNG, JPEG, GIF or BMP file, from its header. */
export function measureImage(data: Uint8Array): Omit<LoadedImage, 'data'> | undefined {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength)
  if (data.length > 24 && data[0] === 0x89 && data[1] === 0x50 && data[2] === 0x4e && data[3] === 0x47) {
    return { type: 'png', width: view.getUint32(16), height: view.getUint32(20) }
  }
  if (data.length > 10 && data[0] === 0x47 && data[1] === 0x49 && data[2] === 0x46) {
    return { type: 'gif', width: view.getUint16(6, true), height: view.getUint16(8, true) }
  }
  if (data.length > 26 && data[0] === 0x42 && data[1] === 0x4d) {
    return { type: 'bmp', width: Math.abs(view.getInt32(18, true)), height: Math.abs(view.getInt32(22, true)) }
  }
  if (data.length > 4 && data[0] === 0xff && data[1] === 0xd8) {
    // Walk the JPEG segments to the first start-of-frame marker.
    let offset = 2
    while (offset + 9 < data.length) {
      if (data[offset] !== 0xff) return undefined
      const marker = data[offset + 1]
      const length = view.getUint16(offset + 2)
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
        return { type: 'jpg', width: view.getUint16(offset + 7), height: view.getUint16(offset + 5) }
      }
      offset += 2 + length
    }
  }
  return undefined
}
