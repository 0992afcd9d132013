import { constants } from 'node:fs'
import { open, realpath, stat } from 'node:fs/promises'
import path from 'node:path'
import type { Definition, Image, ImageReference, Root } from 'mdast'
import { visit } from 'unist-util-visit'
import type { VFile } from 'vfile'
import { defaultLimits, limitFlags } from '../limits.js'
import { problem } from '../message.js'
import { sanitizeSvg } from '../sanitize-svg.js'
import { safeDecode } from '../text.js'
import type { RefusedImage, ReportImage } from '../types.js'

const source = 'remark-images'

export interface Options {
  /**
   * The folder images may be read from: a file is read only when it is
   * inside this folder once symbolic links are followed. Absolute, or
   * relative to the file's `cwd`. Default: the source's folder.
   */
  root?: string
  /** Pixels an image may have (width × height); a larger one is refused. Default: `defaultLimits.imagePixels`. */
  maxPixels?: number
}

/**
 * Read every image the report shows, once, for every edition: the bytes,
 * the format and the size go on `file.data.images`, keyed by the URL as
 * written, so renderers stay synchronous and never touch the disk.
 *
 * URLs are resolved from the source's folder, and only regular files
 * inside `root` are read; no URL is ever fetched. PNG and JPEG are kept as
 * they are; an SVG is kept sanitized (`sanitizeSvg`). A remote image, one
 * outside the root, one that cannot be read (missing, a folder, a device,
 * a FIFO) and one of another format are each a warning at the image, and
 * a refusal on `file.data.images`: every edition shows the alt text in its
 * place.
 */
export default function remarkImages(options: Options = {}) {
  return async (tree: Root, file: VFile) => {
    const definitions = new Map<string, Definition>()
    visit(tree, 'definition', (node) => {
      if (!definitions.has(node.identifier)) definitions.set(node.identifier, node)
    })
    // The first use of each URL: where a refusal is reported.
    const wanted = new Map<string, Image | ImageReference>()
    visit(tree, (node) => {
      const url = node.type === 'image' ? node.url : node.type === 'imageReference' ? definitions.get(node.identifier)?.url : undefined
      if (url !== undefined && !wanted.has(url)) wanted.set(url, node as Image | ImageReference)
    })
    const images = new Map<string, ReportImage | RefusedImage>()
    file.data.images = images
    if (wanted.size === 0) return
    const places = file.path ? await placesOf(file, options.root) : undefined
    const maxPixels = options.maxPixels ?? defaultLimits.imagePixels
    const results = await Promise.all([...wanted.keys()].map(async (url) => withinLimit(await readImage(url, places), url, maxPixels)))
    // Reported in the source's order, whatever order the reads finished in.
    for (const [index, [url, node]] of [...wanted].entries()) {
      const result = results[index]
      images.set(url, 'refused' in result ? { refused: result.refused } : result)
      if ('refused' in result) problem(file, `${result.reason}; its alt text stands in`, node, result.refused, { source, fatal: false })
    }
  }
}

type Refusal = RefusedImage & { reason: string }

/** An image larger than the limit would take the memory of a decoded bitmap in the editions that draw it. */
function withinLimit(image: ReportImage | Refusal, url: string, maxPixels: number): ReportImage | Refusal {
  if ('refused' in image || image.width * image.height <= maxPixels) return image
  return { refused: 'limit-image', reason: `Unexpected image \`${url}\` of ${image.width} × ${image.height} pixels, expected at most ${maxPixels} pixels (${limitFlags.imagePixels})` }
}

/** Where URLs are resolved from, the folder they must stay inside (both with links followed), and that folder as the user knows it. */
interface Places {
  folder: string
  root: string
  rootName: string
}

async function placesOf(file: VFile, root: string | undefined): Promise<Places> {
  const folder = await realFolder(path.dirname(path.resolve(file.cwd, file.path)))
  const given = root === undefined ? folder : path.resolve(file.cwd, root)
  return { folder, root: await realFolder(given), rootName: path.relative(file.cwd, given) || '.' }
}

async function readImage(url: string, places: Places | undefined): Promise<ReportImage | Refusal> {
  if (/^[a-z][a-z\d+.-]*:/i.test(url) || url.startsWith('//')) {
    return { refused: 'image-remote', reason: `Unexpected remote image \`${url}\`, expected a file inside the root folder (nothing is fetched)` }
  }
  if (!places) {
    return { refused: 'image-unreadable', reason: `Cannot read the image \`${url}\`: the source has no folder, expected a source read from a file` }
  }
  const { folder, root, rootName } = places
  const outside = `outside the root folder \`${rootName}\`, expected a file inside it (the source's folder, or \`--root\`)`
  const target = path.resolve(folder, safeDecode(url.split(/[?#]/)[0]))
  if (!isBelow(root, target)) return { refused: 'image-outside', reason: `Unexpected image \`${url}\` ${outside}` }
  let bytes: Uint8Array
  try {
    // A link inside the root that leads out of it is outside too.
    const real = await realpath(target)
    if (!isBelow(root, real)) return { refused: 'image-outside', reason: `Unexpected image \`${url}\` leading by a link ${outside}` }
    bytes = await readRegularFile(real)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? ''
    const why = { ENOENT: 'no such file', EACCES: 'permission denied', EISDIR: 'it is a folder', ENOTFILE: (error as Error).message }[code] ?? String(error)
    return { refused: 'image-unreadable', reason: `Cannot read the image \`${url}\`: ${why}, expected a file at \`${path.relative(folder, target) || '.'}\`` }
  }
  const measured = measureImage(bytes)
  if (measured && !complete(bytes, measured.type)) {
    return { refused: 'image-format', reason: `Unexpected end of the ${measured.type.toUpperCase()} image \`${url}\`, expected a whole file (it is cut short)` }
  }
  if (measured) return { bytes, ...measured }
  const svg = sanitizeSvg(new TextDecoder().decode(bytes))
  if ('svg' in svg) return { bytes: new TextEncoder().encode(svg.svg), type: 'svg', width: svg.width, height: svg.height, text: svg.text }
  const looksLikeSvg = path.extname(target).toLowerCase() === '.svg'
  return { refused: 'image-format', reason: `Unexpected image format for \`${url}\`, expected PNG, JPEG or SVG${looksLikeSvg ? ` (as an SVG file: ${svg.reason})` : ''}` }
}

/**
 * The bytes of a regular file. A FIFO would block the build until someone
 * writes to it and a device may act when opened, so the path is checked
 * before it is opened; it is opened without waiting and without following a
 * link, and checked again, in case it was swapped in between.
 */
async function readRegularFile(file: string): Promise<Uint8Array> {
  const notFile = (kind: string) => Object.assign(new Error(`it is ${kind}`), { code: 'ENOTFILE' })
  const kindOf = (stats: Awaited<ReturnType<typeof stat>>) =>
    stats.isFile() ? undefined : stats.isDirectory() ? 'a folder' : stats.isFIFO() ? 'a FIFO (named pipe)' : stats.isSocket() ? 'a socket' : 'a device'
  const before = kindOf(await stat(file))
  if (before) throw notFile(before)
  const handle = await open(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOFOLLOW ?? 0))
  try {
    const after = kindOf(await handle.stat())
    if (after) throw notFile(after)
    return new Uint8Array(await handle.readFile())
  } finally {
    await handle.close()
  }
}

async function realFolder(folder: string): Promise<string> {
  try {
    return await realpath(folder)
  } catch {
    return folder
  }
}

/** True for the folder itself too: reading it fails as any folder does. */
function isBelow(folder: string, target: string): boolean {
  const relative = path.relative(folder, target)
  return !relative.startsWith('..') && !path.isAbsolute(relative)
}

/** The format and pixel size of a PNG or JPEG file, from its header; undefined for anything else. */
export function measureImage(bytes: Uint8Array): Omit<ReportImage, 'bytes'> | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  // PNG: the signature, then the IHDR chunk with width and height.
  const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]
  if (bytes.length >= 24 && png.every((byte, index) => bytes[index] === byte)) {
    const width = view.getUint32(16)
    const height = view.getUint32(20)
    return width > 0 && height > 0 ? { type: 'png', width, height } : undefined
  }
  // JPEG: walk the segments to the first start-of-frame marker.
  if (bytes.length >= 4 && bytes[0] === 0xff && bytes[1] === 0xd8) {
    let offset = 2
    while (offset + 4 <= bytes.length) {
      if (bytes[offset] !== 0xff) return undefined
      const marker = bytes[offset + 1]
      // Fill bytes, and markers that stand alone without a length.
      if (marker === 0xff) {
        offset += 1
        continue
      }
      if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
        offset += 2
        continue
      }
      const length = view.getUint16(offset + 2)
      const frame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc
      if (frame) {
        if (offset + 9 > bytes.length) return undefined
        const height = view.getUint16(offset + 5)
        const width = view.getUint16(offset + 7)
        return width > 0 && height > 0 ? { type: 'jpeg', width, height } : undefined
      }
      if (marker === 0xd9 || marker === 0xda || length < 2) return undefined
      offset += 2 + length
    }
  }
  return undefined
}

/** True when a PNG has its closing chunk and a JPEG its end marker: a file cut short is neither. */
function complete(bytes: Uint8Array, type: ReportImage['type']): boolean {
  const holds = (marker: number[]) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).includes(Buffer.from(marker))
  return type === 'png' ? holds([0x49, 0x45, 0x4e, 0x44]) : holds([0xff, 0xd9])
}

const mediaTypes: Record<ReportImage['type'], string> = { png: 'image/png', jpeg: 'image/jpeg', svg: 'image/svg+xml' }

/** The images the plugin read, by URL as written; refused ones are left out. */
export function shownImages(file: VFile): Map<string, ReportImage> {
  const shown = new Map<string, ReportImage>()
  for (const [url, image] of file.data.images ?? []) if ('bytes' in image) shown.set(url, image)
  return shown
}

/** An image's bytes as a `data:` URL, for editions that inline it. */
export function imageDataUrl(image: ReportImage): string {
  return `data:${mediaTypes[image.type]};base64,${Buffer.from(image.bytes.buffer, image.bytes.byteOffset, image.bytes.byteLength).toString('base64')}`
}
