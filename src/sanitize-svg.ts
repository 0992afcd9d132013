import type { Element, Root } from 'hast'
import { fromHtml } from 'hast-util-from-html'
import { sanitize, type Schema } from 'hast-util-sanitize'
import { toHtml } from 'hast-util-to-html'
import { find, svg as svgSchema } from 'property-information'
import { visit } from 'unist-util-visit'

/** A drawing every edition may show: nothing in it runs, and nothing in it is fetched or read. */
export interface SanitizedSvg {
  /** Standalone SVG markup (XML), with `xmlns`, a `viewBox`, and `width` and `height` in CSS pixels. */
  svg: string
  width: number
  height: number
  /** The words it sets (its `<text>` elements), for choosing the faces that draw them. */
  text: string
}

/**
 * What a drawing may hold: the elements that draw (shapes, text, paint
 * servers, clipping, masking, filters) and their presentation attributes.
 * Left out, so removed: scripts, event handlers (`onload`), animation
 * (`<set>` can write an `href`), `<foreignObject>` (HTML inside the
 * drawing), `<feImage>`, and every unknown element, whose content an SVG
 * viewer would not draw either.
 */
const elements = [
  'svg', 'g', 'defs', 'symbol', 'use', 'a', 'title', 'desc', 'style', 'image', 'switch',
  'path', 'rect', 'circle', 'ellipse', 'line', 'polyline', 'polygon',
  'text', 'tspan', 'textPath',
  'linearGradient', 'radialGradient', 'stop', 'pattern', 'clipPath', 'mask', 'marker',
  'filter', 'feBlend', 'feColorMatrix', 'feComponentTransfer', 'feComposite', 'feConvolveMatrix', 'feDiffuseLighting',
  'feDisplacementMap', 'feDistantLight', 'feDropShadow', 'feFlood', 'feFuncA', 'feFuncB', 'feFuncG', 'feFuncR',
  'feGaussianBlur', 'feMerge', 'feMergeNode', 'feMorphology', 'feOffset', 'fePointLight', 'feSpecularLighting',
  'feSpotLight', 'feTile', 'feTurbulence'
]

/** Attributes as SVG spells them; their hast property names come from `property-information`. */
const attributes = [
  // Identity, structure and geometry.
  'id', 'class', 'style', 'transform', 'viewBox', 'preserveAspectRatio', 'version', 'lang', 'xml:lang', 'xml:space',
  'role', 'aria-label', 'aria-hidden', 'systemLanguage', 'requiredFeatures', 'requiredExtensions',
  'x', 'y', 'width', 'height', 'rx', 'ry', 'cx', 'cy', 'r', 'fx', 'fy', 'fr', 'x1', 'y1', 'x2', 'y2', 'd', 'points', 'pathLength',
  // Text.
  'dx', 'dy', 'rotate', 'textLength', 'lengthAdjust', 'startOffset', 'method', 'spacing', 'side',
  'font-family', 'font-size', 'font-size-adjust', 'font-weight', 'font-style', 'font-variant', 'font-stretch',
  'text-anchor', 'dominant-baseline', 'alignment-baseline', 'baseline-shift', 'letter-spacing', 'word-spacing',
  'text-decoration', 'writing-mode', 'direction', 'unicode-bidi', 'text-rendering',
  // Paint.
  'fill', 'fill-opacity', 'fill-rule', 'stroke', 'stroke-width', 'stroke-opacity', 'stroke-linecap', 'stroke-linejoin',
  'stroke-miterlimit', 'stroke-dasharray', 'stroke-dashoffset', 'opacity', 'color', 'display', 'visibility', 'overflow',
  'paint-order', 'vector-effect', 'shape-rendering', 'image-rendering', 'color-interpolation', 'color-interpolation-filters',
  'stop-color', 'stop-opacity', 'flood-color', 'flood-opacity', 'lighting-color', 'mix-blend-mode', 'isolation',
  'marker-start', 'marker-mid', 'marker-end', 'clip-path', 'clip-rule', 'mask', 'filter',
  // Paint servers, clipping, masking, markers.
  'offset', 'gradientUnits', 'gradientTransform', 'spreadMethod', 'patternUnits', 'patternContentUnits', 'patternTransform',
  'clipPathUnits', 'maskUnits', 'maskContentUnits', 'markerWidth', 'markerHeight', 'markerUnits', 'refX', 'refY', 'orient',
  // Filter primitives.
  'filterUnits', 'primitiveUnits', 'in', 'in2', 'result', 'stdDeviation', 'mode', 'operator', 'k1', 'k2', 'k3', 'k4',
  'values', 'type', 'tableValues', 'slope', 'intercept', 'amplitude', 'exponent', 'kernelMatrix', 'order', 'divisor',
  'bias', 'targetX', 'targetY', 'edgeMode', 'preserveAlpha', 'surfaceScale', 'diffuseConstant', 'specularConstant',
  'specularExponent', 'kernelUnitLength', 'azimuth', 'elevation', 'z', 'pointsAtX', 'pointsAtY', 'pointsAtZ',
  'limitingConeAngle', 'scale', 'xChannelSelector', 'yChannelSelector', 'radius', 'baseFrequency', 'numOctaves', 'seed',
  'stitchTiles'
]

/** Inside the drawing only: `<use href="#arrow">`, `<a href="#top">`. */
const fragment = /^#/
/** An image drawn inside the drawing comes with it, as PNG or JPEG bytes, never from a file or a URL. */
const embeddedRaster = /^data:image\/(?:png|jpeg);base64,/i

/**
 * hast-util-sanitize's schema for a drawing. Every key is given: a key left
 * out would be GitHub's default for HTML. Ids are not prefixed, as
 * `url(#gradient)` and `href="#arrow"` point at them within the drawing,
 * which no edition shares with the page around it.
 */
const schema: Schema = {
  tagNames: elements,
  attributes: {
    '*': [...attributes.map((name) => find(svgSchema, name).property), ['href', fragment]],
    image: [['href', fragment, embeddedRaster]]
  },
  // Removed with their content; any other element not allowed keeps its
  // allowed children, and these are the ones whose children would do harm or
  // draw what the author never saw.
  strip: ['script', 'foreignObject', 'metadata', 'feImage', 'animate', 'animateMotion', 'animateTransform', 'set', 'iframe', 'noscript'],
  ancestors: {},
  protocols: {},
  required: {},
  clobber: [],
  clobberPrefix: '',
  allowComments: false,
  allowDoctypes: false
}

/**
 * A drawing made safe to show in every edition, or the reason it cannot be.
 *
 * The file is parsed with an HTML parser (hast-util-from-html), which reads
 * SVG as a browser does inline, then sanitized with an allow-list (see
 * `schema`). What an attribute list cannot say is checked after: a style
 * (attribute or `<style>` element) or a value whose `url(…)` points
 * anywhere but `#` inside the drawing is dropped. The root gets `xmlns`, a
 * `viewBox` and a size in CSS pixels, so each edition's SVG reader sees the
 * same drawing at the same size.
 */
export function sanitizeSvg(text: string): SanitizedSvg | { reason: string } {
  const tree = fromHtml(text, { fragment: true })
  const roots = tree.children.filter((child) => child.type === 'element' || (child.type === 'text' && child.value.trim()))
  const [root] = roots
  // An HTML parser leaves the drawing at an HTML-only element (`<p>`,
  // `<span>`) outside `<foreignObject>`: whatever came after it would be lost.
  if (roots.length !== 1 || root.type !== 'element' || root.tagName !== 'svg') {
    return { reason: 'expected one `<svg>` element and nothing after it' }
  }
  const size = svgSize(root)
  if (!size) return { reason: 'expected an `<svg>` with `width` and `height` (px, pt, pc, in, cm or mm) or a `viewBox`' }

  // SVG 2 reads `href`; older files write `xlink:href`. One name to check, and no xlink namespace to declare.
  visit(root, 'element', (node: Element) => {
    if (node.properties.xLinkHref !== undefined && node.properties.href === undefined) node.properties.href = node.properties.xLinkHref
  })
  const clean = sanitize({ type: 'root', children: [root] }, schema) as Root
  const svg = clean.children[0] as Element
  visit(clean, (node, index, parent) => {
    if (node.type === 'text') node.value = xmlCharacters(node.value)
    if (node.type !== 'element') return
    if (node.tagName === 'style' && parent && index !== undefined && !safeCss(node.children.map((child) => ('value' in child ? child.value : '')).join(''))) {
      parent.children.splice(index, 1)
      return index
    }
    for (const [key, value] of Object.entries(node.properties)) {
      const values = Array.isArray(value) ? value.map(String) : [String(value)]
      // `<` is kept as is in attribute values by the serializer, and XML forbids it there.
      if (values.some((item) => !safeCss(item) || item.includes('<'))) delete node.properties[key]
      else if (typeof value === 'string') node.properties[key] = xmlCharacters(value)
    }
    // An image whose source was removed draws nothing, and the PDF's SVG reader would warn of it on the console.
    if (node.tagName === 'image' && node.properties.href === undefined && parent && index !== undefined) {
      parent.children.splice(index, 1)
      return index
    }
  })
  svg.properties = {
    ...svg.properties,
    xmlns: 'http://www.w3.org/2000/svg',
    width: round(size.width),
    height: round(size.height),
    viewBox: size.viewBox.map(round).join(' ')
  }
  return { svg: toHtml(svg, { space: 'svg', closeEmptyElements: true }), width: size.width, height: size.height, text: drawnText(svg) }
}

/**
 * False for CSS that fetches or may hide that it does: `url(…)` to anything
 * but `#id`, `@import`, `image-set(…)` and `src(…)` (which take bare
 * strings), and any backslash, since CSS escapes can spell all of these.
 */
function safeCss(css: string): boolean {
  const lower = css.toLowerCase()
  if (['\\', '@import', 'image-set(', 'src(', 'expression('].some((token) => lower.includes(token))) return false
  return [...lower.matchAll(/url\(\s*["']?\s*([^"')\s]*)/g)].every((match) => match[1].startsWith('#'))
}

/** Characters XML 1.0 cannot hold (C0 controls but tab and line ends) removed: SVG readers other than browsers parse XML. */
function xmlCharacters(value: string): string {
  return value.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, '')
}

/** To three decimals: enough for a size in pixels, and the same text on every machine. */
function round(value: number): number {
  return Math.round(value * 1000) / 1000
}

/** CSS pixels in one unit. Percentages and font-relative units depend on a page the drawing has not got. */
const pixelsPer: Record<string, number> = { '': 1, px: 1, pt: 4 / 3, pc: 16, in: 96, cm: 96 / 2.54, mm: 96 / 25.4 }

function length(value: unknown): number | undefined {
  if (typeof value === 'number') return value > 0 ? value : undefined
  if (typeof value !== 'string') return undefined
  const match = /^\s*(\+?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?)\s*([a-z]*)\s*$/i.exec(value)
  const unit = match ? pixelsPer[match[2].toLowerCase()] : undefined
  const number = match && unit ? Number(match[1]) * unit : undefined
  return number && Number.isFinite(number) && number > 0 ? number : undefined
}

/**
 * The drawing's size in CSS pixels and its viewBox: `width` and `height`
 * where both are absolute; one of them and the viewBox's proportions; or
 * the viewBox alone, as browsers size an `<img>` of it. Without a viewBox
 * the user units are pixels, so the viewBox is the size.
 */
function svgSize(svg: Element): { width: number; height: number; viewBox: number[] } | undefined {
  const box = String(svg.properties.viewBox ?? '').trim().split(/[\s,]+/).map(Number)
  const viewBox = box.length === 4 && box.every(Number.isFinite) && box[2] > 0 && box[3] > 0 ? box : undefined
  let width = length(svg.properties.width)
  let height = length(svg.properties.height)
  if (viewBox) {
    const ratio = viewBox[2] / viewBox[3]
    width ??= height === undefined ? viewBox[2] : height * ratio
    height ??= width / ratio
    return { width, height, viewBox }
  }
  return width && height ? { width, height, viewBox: [0, 0, width, height] } : undefined
}

/** The words of a drawing's `<text>` elements (their `<tspan>`s within), a space between elements. */
function drawnText(svg: Element): string {
  const words: string[] = []
  visit(svg, 'element', (node: Element) => {
    if (node.tagName !== 'text') return
    const parts: string[] = []
    visit(node, 'text', (text: { value: string }) => void parts.push(text.value))
    words.push(parts.join(''))
    return 'skip'
  })
  return words.join(' ')
}
