import { Resvg } from '@resvg/resvg-js'
import { resolveFonts } from '../../fonts.js'
import type { TemplateLayers } from '../../templates.js'
import type { ReportImage } from '../../types.js'
import { figureSize } from './handlers.js'
import type { DocxImage } from './state.js'
import { textWidthOf, type DocxTemplate } from './styles.js'

/**
 * The images for the Word edition: PNG and JPEG as they are; each SVG with
 * a PNG drawn from it by resvg, which Word shows where it cannot draw SVG
 * (before Word 2016, other readers), at the size the figure has on the
 * page and the template's `image.svgFallbackDpi`. Text in the drawing is
 * set in the template's faces, never the machine's, so every machine
 * draws the same pixels.
 */
export function withSvgFallbacks(images: ReadonlyMap<string, ReportImage>, template: DocxTemplate, templates: TemplateLayers): Map<string, DocxImage> {
  const result = new Map<string, DocxImage>()
  let fonts: ResvgFonts | undefined
  for (const [url, image] of images) {
    if (image.type !== 'svg') {
      result.set(url, { ...image, type: image.type })
      continue
    }
    fonts ??= resvgFonts(template, templates)
    const { width } = figureSize(image, textWidthOf(template), template)
    const pixels = Math.max(1, Math.round((width * template.image.svgFallbackDpi) / 96))
    const png = new Resvg(Buffer.from(image.bytes), { font: fonts, fitTo: { mode: 'width', value: pixels }, logLevel: 'off' }).render().asPng()
    result.set(url, { ...image, type: 'svg', fallback: new Uint8Array(png) })
  }
  return result
}

type ResvgFonts = NonNullable<ConstructorParameters<typeof Resvg>[1]>['font']

/** The template's faces for a drawing's text: `sans-serif` and unnamed faces in the heading face, as captions are; `serif` in the body's. */
function resvgFonts(template: DocxTemplate, templates: TemplateLayers): ResvgFonts {
  const { heading, body, code } = template.faces
  const families = [heading, body, code].filter((family): family is string => Boolean(family))
  const faces = resolveFonts(templates, families)
  return {
    loadSystemFonts: false,
    fontFiles: [...new Set(Object.values(faces).flatMap((files) => [files.normal, files.bold, files.italics, files.bolditalics]))],
    defaultFontFamily: heading ?? body,
    sansSerifFamily: heading,
    serifFamily: body,
    monospaceFamily: code
  }
}
