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
  view.layout = sharedShaping(face)
  return view
}

/** A fontkit face, as far as shaping goes. */
interface ShapingFace {
  layout(text: unknown, ...rest: unknown[]): GlyphRun
  getGlyph(id: number, codePoints?: number[]): { id: number }
}

interface GlyphRun {
  glyphs: Array<{ id: number }>
  positions: Array<{ xAdvance: number; yAdvance: number; xOffset: number; yOffset: number }>
  features: Record<string, boolean>
  script: string
  language: string | null
  direction: string
}

/** How a text was shaped: the glyphs asked of the face, in order, and what came out. */
interface Shaped {
  asked: Array<[id: number, codePoints: number[]]>
  run: GlyphRun
}

/** Shaped texts by face, for every document's view of it, and how many glyphs they hold. */
const shapings = new WeakMap<object, { texts: Map<string, Shaped>; glyphs: number }>()
/** Kept are texts of a line's length or less (words and runs of words recur; a 20,000-character URL's pieces do not), up to this many glyphs a face. */
const keptLength = 200
const keptGlyphs = 1_000_000

/**
 * Shaping shared by every view of a face: a text is shaped once per
 * process, not once per document (a hundred memos set the same words,
 * each in a few trial layouts). Shaping again in another view would ask
 * that view for the same glyphs in the same order, each remembering the
 * characters it was first asked for (what PDFKit writes in the document's
 * ToUnicode map): those requests are replayed in the view, so its glyphs
 * and the run it gets are those its own shaping would give.
 */
function sharedShaping(face: object) {
  let shaped = shapings.get(face)
  if (!shaped) shapings.set(face, (shaped = { texts: new Map(), glyphs: 0 }))
  const kept = shaped
  const known = kept.texts
  const shape = (face as ShapingFace).layout
  return function layout(this: ShapingFace, text: unknown, ...rest: unknown[]): GlyphRun {
    if (typeof text !== 'string' || text.length > keptLength) return shape.call(this, text, ...rest)
    const key = rest.length === 0 || rest.every((value) => value === undefined) ? text : JSON.stringify([text, ...rest])
    const before = known.get(key)
    if (before) {
      for (const [id, codePoints] of before.asked) this.getGlyph(id, codePoints)
      return cloneRun(before.run, before.run.glyphs.map((glyph) => this.getGlyph(glyph.id)))
    }
    const asked: Shaped['asked'] = []
    const getGlyph = this.getGlyph
    this.getGlyph = function (id: number, codePoints: number[] = []) {
      asked.push([id, codePoints])
      return getGlyph.call(this, id, codePoints)
    }
    let run: GlyphRun
    try {
      run = shape.call(this, text, ...rest)
    } finally {
      delete (this as Partial<ShapingFace>).getGlyph
    }
    kept.glyphs += asked.length
    if (kept.glyphs > keptGlyphs) {
      known.clear()
      kept.glyphs = asked.length
    }
    // Kept as shaped, before PDFKit scales the positions it is handed.
    known.set(key, { asked, run: cloneRun(run, run.glyphs) })
    return run
  }
}

/** A run with `glyphs`, its own positions (PDFKit scales them in place) and features, of fontkit's own classes. */
function cloneRun(run: GlyphRun, glyphs: GlyphRun['glyphs']): GlyphRun {
  return Object.assign(Object.create(Object.getPrototypeOf(run) as object) as GlyphRun, run, {
    glyphs,
    positions: run.positions.map((position) => Object.assign(Object.create(Object.getPrototypeOf(position) as object), position)),
    features: { ...run.features }
  })
}
