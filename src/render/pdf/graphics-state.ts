import { pdfmakeClass } from './pdfmake-classes.js'

/**
 * pdfmake draws each word on its own, and before each sets its opacity and
 * its colour again: `/Gs1 gs`, `/DeviceRGB cs`, `0.11 0.11 0.12 scn`, three
 * of the thirteen operators a word takes and about a third of the page's
 * bytes, though the colour is the same all page long. Here a colour or an
 * opacity the page is already set in is not set again.
 *
 * What the page is set in is known only outside any saved state (`q`…`Q`):
 * PDFKit sets a word's colour and opacity there, and restoring a saved
 * state brings back what was set before it, so a `Q` changes nothing known.
 * Inside a saved state everything is written as asked. A new page knows
 * nothing; nor does anything after drawing that sets colours itself (an
 * SVG's paints and patterns) or a colour that is not plain (a gradient).
 * How the pages look is unchanged: `test/pdf.test.ts` draws every page of
 * the report and its memos made with this and without it, and compares.
 */

/** What the page is known to be set in; undefined when it is not known. */
interface KnownState {
  page: unknown
  /** Saved states open (`q` without its `Q`). */
  depth: number
  fill?: string
  stroke?: string
  opacity?: string
}

interface KitDocument {
  page: unknown
  knownState?: KnownState
  _setColor(color: unknown, stroke: boolean): boolean
  _doOpacity(fill: number | null | undefined, stroke: number | null | undefined): unknown
  save(): unknown
  restore(): unknown
}

interface RendererPrototype {
  pdfDocument: KitDocument
  renderSVG(item: unknown): void
}

/** The state known at the top level of the current page: reset when the page changes. */
function known(document: KitDocument): KnownState {
  const state = (document.knownState ??= { page: document.page, depth: 0 })
  if (state.page !== document.page) Object.assign(state, { page: document.page, fill: undefined, stroke: undefined, opacity: undefined })
  return state
}

/** A colour given by name, hex or numbers; undefined for a gradient, a pattern or anything else. */
function plainColor(color: unknown): string | undefined {
  if (typeof color === 'string') return color
  if (Array.isArray(color) && color.every((part) => typeof part === 'number')) return color.join(' ')
  return undefined
}

/** Install the hooks (`print.ts` does, as it loads). */
export function installGraphicsState(): void {
  // Only to show that it draws the same: the tests compare the pages.
  if (process.env.DOSSIER_PDF_EVERY_STATE === '1') return
  const documents = pdfmakeClass<{ prototype: KitDocument }>('PDFDocument').prototype
  const renderer = pdfmakeClass<{ prototype: RendererPrototype }>('Renderer').prototype
  const { _setColor: setColor, _doOpacity: doOpacity, save, restore } = documents

  documents._setColor = function (color, stroke) {
    const state = known(this)
    const side = stroke ? 'stroke' : 'fill'
    const key = plainColor(color)
    if (state.depth === 0 && key !== undefined && state[side] === key) return true
    const set = setColor.call(this, color, stroke)
    if (state.depth === 0 && set) state[side] = key
    return set
  }
  documents._doOpacity = function (fill, stroke) {
    if (fill == null && stroke == null) return doOpacity.call(this, fill, stroke)
    const state = known(this)
    const key = `${fill}_${stroke}`
    if (state.depth === 0 && state.opacity === key) return this
    const done = doOpacity.call(this, fill, stroke)
    if (state.depth === 0) state.opacity = key
    return done
  }
  documents.save = function () {
    known(this).depth++
    return save.call(this)
  }
  documents.restore = function () {
    const state = known(this)
    state.depth = Math.max(0, state.depth - 1)
    return restore.call(this)
  }
  // An SVG sets its paints and patterns with operators of its own.
  const renderSVG = renderer.renderSVG
  renderer.renderSVG = function (item) {
    try {
      renderSVG.call(this, item)
    } finally {
      Object.assign(known(this.pdfDocument), { fill: undefined, stroke: undefined, opacity: undefined })
    }
  }
}
