import { pdfmakeClass, type PdfmakeLine } from './pdfmake-classes.js'

/**
 * pdfmake draws every word of a line as a text object of its own, through
 * PDFKit's `text()`: `q`, `cm`, `BT`, `Tm`, `Tf`, `TJ`, `ET`, `Q`, and its
 * colour and opacity before (pdfmake's own TODO: "lines without
 * differently styled inlines should be written to pdf as one stream").
 * That was a third of printing a long report, and most of its bytes.
 *
 * Here a line's words that look alike (one face, size, colour, opacity and
 * baseline) are drawn as one text object, the words' glyphs in one `TJ`.
 * Each glyph lands where pdfmake placed it: a word's glyphs are those
 * PDFKit's `encode` gives it, spaced as it spaces them, and the room
 * between where the last word's glyphs end and where pdfmake put the next
 * word (nothing in a left-aligned line, the stretch of a justified one) is
 * added to the last glyph's advance, as PDFKit adds word spacing. Links
 * and destinations are made word by word, where PDFKit made them. A line
 * with anything else (a bookmark, a page number, letter spacing, font
 * features) is drawn by pdfmake as before.
 * `test/pdf.test.ts` draws the report's pages made both ways and compares.
 */

/** A word as pdfmake lays it out. */
interface Inline {
  text: string
  x: number
  width: number
  font: KitFont
  fontSize: number
  color?: unknown
  opacity?: number
  sup?: boolean
  sub?: boolean
  link?: unknown
  linkToPage?: unknown
  linkToDestination?: unknown
  _pageNodeRef?: unknown
  fontFeatures?: unknown
  characterSpacing?: number
}

type Line = PdfmakeLine<Inline>

/** A glyph's place, as fontkit shapes it (in the face's units). */
interface Position {
  xAdvance: number
  yAdvance: number
  xOffset: number
  yOffset: number
  advanceWidth: number
}

interface KitFont {
  id: string
  ascender: number
  encode(text: string, features?: unknown): [string[], Position[]]
  ref(): unknown
}

interface KitDocument {
  _font: KitFont
  _fontSize: number
  _currentStructureElement?: { dictionary: { data: { S?: string } } }
  page: { height: number; fonts: Record<string, unknown> }
  opacity(opacity: number): unknown
  fill(color: unknown): unknown
  fontSize(size: number): unknown
  resolveColor(color: unknown, fallback: string): unknown
  save(): unknown
  restore(): unknown
  transform(...matrix: number[]): unknown
  addContent(data: string): unknown
  currentLineHeight(): number
  link(x: number, y: number, width: number, height: number, url: unknown, options: Record<string, unknown>): unknown
  goTo(x: number, y: number, width: number, height: number, name: unknown): unknown
  addNamedDestination(name: string, ...place: unknown[]): unknown
}

interface TextDecorator {
  drawBackground(line: Line, x: number, y: number): void
  drawDecorations(line: Line, x: number, y: number): void
}

interface RendererPrototype {
  pdfDocument: KitDocument
  renderLine(this: RendererPrototype, line: Line, x: number, y: number): void
}

/** As PDFKit writes a number into a content stream. */
const number = (value: number): number => Math.round(value * 1e6) / 1e6

/** A word pdfmake draws with nothing but its text, face, size, colour, opacity and links. */
const plain = (inline: Inline): boolean => inline.linkToPage == null && inline._pageNodeRef == null && inline.fontFeatures == null && !inline.characterSpacing && !inline.text.includes('\n')

/**
 * Install the hook (`print.ts` does, as it loads), before the tagging's
 * (`tagged-render.ts`), which draws each element's part of a line through it.
 */
export function installLineDrawing(): void {
  // Only to show that it draws the same: the tests compare the pages.
  if (process.env.DOSSIER_PDF_EVERY_WORD === '1') return
  const renderer = pdfmakeClass<{ prototype: RendererPrototype }>('Renderer').prototype
  const Decorator = pdfmakeClass<new (document: KitDocument) => TextDecorator>('TextDecorator')
  const original = renderer.renderLine

  renderer.renderLine = function (line, x, y) {
    if (line._outline || line._pageNodeRef || !line.inlines.every(plain)) return original.call(this, line, x, y)
    const document = this.pdfDocument
    x = x || 0
    y = y || 0
    const height = line.getHeight()
    const descent = height - line.getAscenderHeight()
    const decorator = new Decorator(document)
    decorator.drawBackground(line, x, y)
    // As pdfmake places each word: on the line's baseline, raised or lowered for a superscript or subscript.
    const baseline = (inline: Inline) => {
      let top = y + (height - (inline.font.ascender / 1000) * inline.fontSize - descent)
      if (inline.sup) top -= inline.fontSize * 0.75
      if (inline.sub) top += inline.fontSize * 0.35
      return top
    }
    let start = 0
    while (start < line.inlines.length) {
      const first = line.inlines[start]
      const top = baseline(first)
      let end = start + 1
      while (end < line.inlines.length && alike(line.inlines[end], first) && baseline(line.inlines[end]) === top) end++
      document.opacity(typeof first.opacity === 'number' ? first.opacity : 1)
      document.fill(document.resolveColor(first.color, 'black'))
      document._font = first.font
      document.fontSize(first.fontSize)
      const words = line.inlines.slice(start, end)
      placeLinks(document, words, x, top, start === 0 ? line.id : undefined)
      drawWords(document, words, x, top)
      start = end
    }
    decorator.drawDecorations(line, x, y)
  }
}

/** Each word's link and the line's destination, as PDFKit's `_fragment` makes them for a word it draws. */
function placeLinks(document: KitDocument, words: Inline[], left: number, top: number, destination: string | undefined): void {
  words.forEach((word, index) => {
    // PDFKit makes nothing for an empty word, not even the line's destination.
    if (word.text.length === 0) return
    const x = left + word.x
    if (word.link != null) {
      const element = document._currentStructureElement
      document.link(x, top, word.width, document.currentLineHeight(), word.link, element?.dictionary.data.S === 'Link' ? { structParent: element } : {})
    }
    if (word.linkToDestination != null) document.goTo(x, top, word.width, document.currentLineHeight(), word.linkToDestination)
    if (index === 0 && destination !== undefined) document.addNamedDestination(destination, 'XYZ', x, top, null)
  })
}

function alike(one: Inline, other: Inline): boolean {
  return one.font === other.font && one.fontSize === other.fontSize && one.color === other.color && one.opacity === other.opacity
}

/**
 * Words of one face and size as one text object, as PDFKit's `_fragment`
 * draws one (its default baseline: the face's ascender below `top`).
 */
function drawWords(document: KitDocument, words: Inline[], left: number, top: number): void {
  const font = document._font
  const size = document._fontSize
  const scale = size / 1000
  const encoded: string[] = []
  const positions: Position[] = []
  // Where the glyphs so far end, and where pdfmake put each word.
  let pen = left + words[0].x
  for (const word of words) {
    const [glyphs, places] = font.encode(word.text)
    if (glyphs.length === 0) continue
    // Less than PDFKit writes (a millionth of a thousandth of an em) is no room: only the sums' rounding.
    const gap = left + word.x - pen
    if (positions.length > 0 && number(gap / scale) !== 0) {
      const last = positions.length - 1
      positions[last] = { ...positions[last], xAdvance: positions[last].xAdvance + gap / scale }
      pen += gap
    }
    for (const place of places) pen += place.xAdvance * scale
    encoded.push(...glyphs)
    positions.push(...places)
  }
  if (encoded.length === 0) return
  document.save()
  document.transform(1, 0, 0, -1, 0, document.page.height)
  const x = left + words[0].x
  const y = document.page.height - top - (font.ascender / 1000) * size
  if (document.page.fonts[font.id] == null) document.page.fonts[font.id] = font.ref()
  document.addContent('BT')
  document.addContent(`1 0 0 1 ${number(x)} ${number(y)} Tm`)
  document.addContent(`/${font.id} ${number(size)} Tf`)
  writeGlyphs(document, encoded, positions, x, y, scale)
  document.addContent('ET')
  document.restore()
}

/** The glyphs' `TJ`s, as PDFKit's `_fragment` writes them: a glyph moved off its place (a mark) gets a `Tm` of its own. */
function writeGlyphs(document: KitDocument, encoded: string[], positions: Position[], x: number, y: number, scale: number): void {
  const commands: string[] = []
  let last = 0
  let hadOffset = false
  const addSegment = (end: number) => {
    if (last < end) {
      const advance = positions[end - 1].xAdvance - positions[end - 1].advanceWidth
      commands.push(`<${encoded.slice(last, end).join('')}> ${number(-advance)}`)
    }
    last = end
  }
  const flush = (end: number) => {
    addSegment(end)
    if (commands.length > 0) {
      document.addContent(`[${commands.join(' ')}] TJ`)
      commands.length = 0
    }
  }
  let index = 0
  for (; index < positions.length; index++) {
    const place = positions[index]
    if (place.xOffset || place.yOffset) {
      flush(index)
      document.addContent(`1 0 0 1 ${number(x + place.xOffset * scale)} ${number(y + place.yOffset * scale)} Tm`)
      flush(index + 1)
      hadOffset = true
    } else {
      if (hadOffset) {
        document.addContent(`1 0 0 1 ${number(x)} ${number(y)} Tm`)
        hadOffset = false
      }
      if (place.xAdvance - place.advanceWidth !== 0) addSegment(index + 1)
    }
    x += place.xAdvance * scale
  }
  flush(index)
}
