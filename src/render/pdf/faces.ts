import { createRequire } from 'node:module'
import pdfmake from 'pdfmake'
import type { TFontDictionary } from 'pdfmake/interfaces.js'
import { openFont, type FontFaces } from '../../fonts.js'

/**
 * Faces for pdfmake, each parsed once per process and shared by every
 * document (the report, its layout passes, every memo trial).
 *
 * PDFKit would read and parse a face for each document: decoding a face's
 * tables was a fifth of a full build. Instead each face is named to pdfmake
 * as a file in its virtual file system whose bytes are a marker, and a
 * format registered with fontkit (PDFKit's font parser) turns the marker
 * into a view of the face parsed once. A view shares the face's decoded
 * tables, which nothing changes, but has its own glyphs and shaping engine:
 * a glyph remembers the characters it was first reached from, and PDFKit
 * writes those into the document's ToUnicode map, so a glyph cache shared
 * across documents would give one document another's characters.
 */
export function pdfmakeFonts(fonts: Record<string, FontFaces>): TFontDictionary {
  registerFormat()
  const named = (file: string) => {
    let name = names.get(file)
    if (!name) {
      name = `dossier-face-${names.size + 1}`
      const marker = Buffer.from(markerText)
      markers.set(marker, file)
      virtualFiles.writeFileSync(name, marker)
      names.set(file, name)
      faceNames.add(name)
    }
    return name
  }
  return Object.fromEntries(
    Object.entries(fonts).map(([family, faces]) => [
      family,
      { normal: named(faces.normal), bold: named(faces.bold), italics: named(faces.italics), bolditalics: named(faces.bolditalics) }
    ])
  )
}

/** pdfmake's virtual file system, which its types leave out; fonts named there are read from it. */
const virtualFiles = (pdfmake as unknown as { virtualfs: { writeFileSync(name: string, content: Uint8Array): void; readFileSync(name: string): Uint8Array } }).virtualfs

/** Too short to be any font format fontkit knows, so only ours claims it. */
const markerText = 'dossier'
/** Each face's name in pdfmake's virtual file system, by its file. */
const names = new Map<string, string>()
const faceNames = new Set<string>()
/** The file each marker stands for. */
const markers = new WeakMap<Uint8Array, string>()

interface Fontkit {
  registerFormat(format: unknown): void
}

/** The part of pdfmake's PDFDocument (a PDFKit document) that names a face to set text in. */
interface FontSetter {
  font(src: unknown, ...rest: unknown[]): unknown
}

let registered = false

function registerFormat(): void {
  if (registered) return
  registered = true
  // pdfmake reads a face named in its virtual file system itself, but an
  // SVG's text names its face to PDFKit, which would open a file of that
  // name: the marker is handed over instead, as pdfmake does.
  const documents = (createRequire(import.meta.url)('pdfmake/js/PDFDocument.js') as { default: { prototype: FontSetter } }).default.prototype
  const font = documents.font
  documents.font = function (this: FontSetter, src: unknown, ...rest: unknown[]) {
    return font.call(this, typeof src === 'string' && faceNames.has(src) ? virtualFiles.readFileSync(src) : src, ...rest)
  }
  // The fontkit PDFKit loads, wherever npm put it.
  const require = createRequire(createRequire(import.meta.url).resolve('pdfkit'))
  const fontkit = require('fontkit') as Fontkit
  fontkit.registerFormat(
    class DocumentFace {
      static probe(buffer: Uint8Array): boolean {
        return markers.has(buffer)
      }
      // A constructor may return another object: fontkit gets the view.
      constructor(stream: { buffer: Uint8Array }) {
        return documentView(openFont(markers.get(stream.buffer)!))
      }
    }
  )
}

/**
 * A face for one document: it inherits the shared face's tables and gets
 * its own glyph cache and shaping engine (fontkit builds the engine lazily
 * and keeps it on the object it was asked from, and the engine makes its
 * glyphs through its font: the view).
 */
function documentView(face: object): object {
  const view = Object.create(face) as Record<string, unknown>
  view._glyphs = {}
  let engine: PropertyDescriptor | undefined
  for (let proto = Object.getPrototypeOf(face) as object | null; proto && !engine; proto = Object.getPrototypeOf(proto) as object | null) {
    engine = Object.getOwnPropertyDescriptor(proto, '_layoutEngine')
  }
  if (!engine?.get) throw new Error('Unexpected fontkit without a lazy `_layoutEngine`, expected fontkit 2')
  Object.defineProperty(view, '_layoutEngine', { configurable: true, get: engine.get })
  return view
}
