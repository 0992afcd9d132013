import { createRequire } from 'node:module'
import type { Resvg } from '@resvg/resvg-js'
import { cjkFaces, resolveFonts } from '../../fonts.js'
import type { TemplateLayers } from '../../templates.js'
import { cjkSegments, type CjkLanguage } from '../../text.js'
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
 * draws the same pixels; CJK text in the face of its language.
 */
export function withSvgFallbacks(images: ReadonlyMap<string, ReportImage>, template: DocxTemplate, templates: TemplateLayers, han: CjkLanguage): Map<string, DocxImage> {
  const result = new Map<string, DocxImage>()
  let fonts: ResvgFonts | undefined
  for (const [url, image] of images) {
    if (image.type !== 'svg') {
      result.set(url, { ...image, type: image.type })
      continue
    }
    fonts ??= resvgFonts(template, templates, svgLanguages(images, han))
    const { width } = figureSize(image, textWidthOf(template), template)
    const pixels = Math.max(1, Math.round((width * template.image.svgFallbackDpi) / 96))
    const png = new (resvg())(Buffer.from(image.bytes), { font: fonts, fitTo: { mode: 'width', value: pixels }, logLevel: 'off' }).render().asPng()
    result.set(url, { ...image, type: 'svg', fallback: new Uint8Array(png) })
  }
  return result
}

/** resvg, a native module, loaded only for a report with an SVG (its load is a hundredth of a build). */
function resvg(): typeof Resvg {
  return (createRequire(import.meta.url)('@resvg/resvg-js') as { Resvg: typeof Resvg }).Resvg
}

export type ResvgFonts = NonNullable<ConstructorParameters<typeof Resvg>[1]>['font']

/** The template's faces for a drawing's text: `sans-serif` and unnamed faces in the heading face, as captions are; `serif` in the body's. */
export function resvgFonts(template: DocxTemplate, templates: TemplateLayers, languages: CjkLanguage[]): ResvgFonts {
  const { heading, body, code } = template.faces
  const cjk = cjkFaces(templates)
  const families = [heading, body, code, ...languages.map((language) => cjk[language])].filter((family): family is string => Boolean(family))
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

/** The CJK languages the drawings' words are in (Han alone in `han`'s): their faces are loaded (megabytes each) only then. */
function svgLanguages(images: ReadonlyMap<string, ReportImage>, han: CjkLanguage): CjkLanguage[] {
  const text = [...images.values()].filter((image) => image.type === 'svg').map((image) => image.text ?? '').join('\n')
  return [...new Set(cjkSegments(text, han).flatMap(([, language]) => (language ? [language] : [])))]
}
