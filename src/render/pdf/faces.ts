import { createRequire } from 'node:module'
import pdfmake from 'pdfmake'
import type { TFontDictionary } from 'pdfmake/interfaces.js'
import { keptMap } from '../../disk-cache.js'
import { keptFaceKey, openFont, type FontFaces } from '../../fonts.js'
import { pdfmakeClass } from './pdfmake-classes.js'

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
  const documents = pdfmakeClass<{ prototype: FontSetter }>('PDFDocument').prototype
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
        return documentView(markers.get(stream.buffer)!)
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
function documentView(file: string): object {
  const view = faceView(openFont(file))
  view.layout = sharedShaping(file)
  return view
}

function faceView(face: object): Record<string, unknown> {
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

/**
 * How a text was shaped, as kept (in memory, and between builds as JSON):
 * the glyphs asked of the face, in order, each the first time (`[id,
 * ...codePoints]`; asking again changes nothing), and the run that came
 * out: its glyphs by id, each glyph's position as shaped (before PDFKit
 * scales it) as four numbers, its features (`tag` on, `!tag` off).
 */
interface Shaped {
  asked: number[][]
  glyphs: number[]
  positions: number[]
  features: string
  script: string
  language: string | null
  direction: string
}

/** A view of a face that shapes each text afresh, emptied of glyphs first. */
type Shaper = ShapingFace & { _glyphs: object }

/** By face file, for every document's view of it: the texts shaped, and the view that shapes them. */
const shapings = new Map<string, { kept: Map<string, Shaped>; shaper: Shaper }>()
/**
 * Kept are texts of a line's length or less (words and runs of words
 * recur; a 20,000-character URL's pieces do not), up to this many a face,
 * and on disk a few faces' worth.
 */
const keptLength = 200
const keptTexts = 20_000
const keptOnDisk = 64

/**
 * Shaping shared by every view of a face, and kept between builds: a text
 * is shaped once, not once per document (a hundred memos set the same
 * words, each in a few trial layouts) nor once per build (an edit leaves
 * most words as they were).
 *
 * A glyph remembers the characters it was first asked for, and PDFKit
 * writes those in the document's ToUnicode map; shaping reads them back
 * (a ligature's characters are its parts'), so what a face's shaping asks
 * for depends on the glyphs asked for before. Each text is therefore
 * shaped afresh, by a view of the face with no glyphs yet, the same in
 * every process whatever was shaped before; and the glyph requests of that
 * shaping are replayed in the document's view, whose glyphs then remember
 * what that document's own texts gave them. Shaping is fontkit's alone, of
 * the face's bytes.
 */
function sharedShaping(file: string) {
  let shaping = shapings.get(file)
  if (!shaping) {
    const kept = keptMap<Shaped>('shapes', keptFaceKey(file, import.meta.url), keptTexts, keptOnDisk)
    shapings.set(file, (shaping = { kept, shaper: faceView(openFont(file)) as unknown as Shaper }))
  }
  const { kept, shaper } = shaping
  const shape = shaper.layout
  return function layout(this: ShapingFace, text: unknown, ...rest: unknown[]): GlyphRun {
    if (typeof text !== 'string' || text.length > keptLength) return shape.call(this, text, ...rest)
    const key = rest.length === 0 || rest.every((value) => value === undefined) ? text : JSON.stringify([text, ...rest])
    let shaped = kept.get(key)
    if (!shaped) {
      shaped = shapeAfresh(shaper, text, rest)
      kept.set(key, shaped)
    }
    for (const [id, ...codePoints] of shaped.asked) this.getGlyph(id, codePoints)
    return keptRun(shaped, shaped.glyphs.map((id) => this.getGlyph(id)))
  }
}

/** Shape `text` with `shaper` emptied of glyphs, noting each glyph it asks for the first time, with the characters it asks with. */
function shapeAfresh(shaper: Shaper, text: string, rest: unknown[]): Shaped {
  shaper._glyphs = {}
  const asked = new Map<number, number[]>()
  const getGlyph = shaper.getGlyph
  shaper.getGlyph = function (id: number, codePoints: number[] = []) {
    if (!asked.has(id)) asked.set(id, [id, ...codePoints])
    return getGlyph.call(this, id, codePoints)
  }
  let run: GlyphRun
  try {
    run = shaper.layout(text, ...rest)
  } finally {
    delete (shaper as Partial<ShapingFace>).getGlyph
  }
  return {
    asked: [...asked.values()],
    glyphs: run.glyphs.map((glyph) => glyph.id),
    positions: run.positions.flatMap((position) => [position.xAdvance, position.yAdvance, position.xOffset, position.yOffset]),
    features: Object.entries(run.features).map(([tag, on]) => (on ? tag : `!${tag}`)).join(' '),
    script: run.script,
    language: run.language,
    direction: run.direction
  }
}

/** A run as fontkit's layout returns it, of `glyphs`, and positions of its own (PDFKit scales them in place). */
function keptRun(shaped: Shaped, glyphs: GlyphRun['glyphs']): GlyphRun {
  const numbers = shaped.positions
  const positions: GlyphRun['positions'] = new Array(numbers.length / 4)
  for (let index = 0; index < positions.length; index++) {
    positions[index] = { xAdvance: numbers[4 * index], yAdvance: numbers[4 * index + 1], xOffset: numbers[4 * index + 2], yOffset: numbers[4 * index + 3] }
  }
  return new KeptRun(glyphs, positions, shaped.script, shaped.language, shaped.direction, { ...featuresOf(shaped.features) })
}

/** Features as kept (`tag`, `!tag`) as fontkit gives them, read once per set: a face's texts share a few. */
function featuresOf(kept: string): GlyphRun['features'] {
  let features = featureSets.get(kept)
  if (!features) {
    features = Object.fromEntries(kept.split(' ').filter(Boolean).map((tag) => (tag.startsWith('!') ? [tag.slice(1), false] : [tag, true])))
    featureSets.set(kept, features)
  }
  return features
}

const featureSets = new Map<string, GlyphRun['features']>()

/** fontkit's GlyphRun, as far as PDFKit reads it: its fields and its total advance. */
class KeptRun implements GlyphRun {
  constructor(
    public glyphs: GlyphRun['glyphs'],
    public positions: GlyphRun['positions'],
    public script: string,
    public language: string | null,
    public direction: string,
    public features: GlyphRun['features']
  ) {}

  get advanceWidth(): number {
    let width = 0
    for (const position of this.positions) width += position.xAdvance
    return width
  }
  get advanceHeight(): number {
    let height = 0
    for (const position of this.positions) height += position.yAdvance
    return height
  }
}
