import type { Root } from 'mdast'
import { visit } from 'unist-util-visit'
import type { VFile } from 'vfile'
import { glyphCoverage, resolveFonts, type FontFaces } from '../../fonts.js'
import { problem } from '../../message.js'
import type { PdfTemplate } from './template.js'

/**
 * For each main family and each character the document uses, the family
 * that sets it: the main family itself, a fallback, or `null` when none has
 * the glyph. Computed once before conversion so that handlers stay pure.
 */
export interface Coverage {
  families: Record<string, FontFaces>
  fontFor: Record<string, Map<number, string | null>>
}

/** Characters nobody draws a glyph for: controls, spaces, joiners, selectors. */
const invisible = /[\p{Cc}\p{Zs}\p{Zl}\p{Zp}\u00ad\u200b-\u200d\u2060\ufe00-\ufe0f\ufeff]/u

/**
 * Load the template's families and, only when the document needs them, its
 * fallbacks; warn (with the source position) about every character no font
 * covers, rather than leave a silent gap in print.
 */
export function checkCoverage(tree: Root, file: VFile, template: PdfTemplate, templatesDir: string, extraText: string[]): Coverage {
  const mainFamilies = [...new Set([template.fonts.text, template.fonts.display, template.fonts.code])]
  const families = resolveFonts(templatesDir, mainFamilies)
  const used = new Set<number>()
  for (const text of [...extraText, ...texts(tree).map(([value]) => value)]) for (const char of text) if (!invisible.test(char)) used.add(char.codePointAt(0)!)

  const fontFor: Coverage['fontFor'] = {}
  const fallbackCoverage = new Map<string, Set<number>>()
  for (const family of mainFamilies) {
    const covered = glyphCoverage(families[family].normal, used)
    const table = new Map<number, string | null>()
    for (const codePoint of used) {
      if (covered.has(codePoint)) continue
      let found: string | null = null
      for (const fallback of template.fonts.fallback) {
        if (!families[fallback]) Object.assign(families, resolveFonts(templatesDir, [fallback]))
        if (!fallbackCoverage.has(fallback)) fallbackCoverage.set(fallback, glyphCoverage(families[fallback].normal, used))
        if (fallbackCoverage.get(fallback)!.has(codePoint)) {
          found = fallback
          break
        }
      }
      table.set(codePoint, found)
    }
    fontFor[family] = table
  }
  // A fallback loaded but never needed is not embedded.
  for (const fallback of template.fonts.fallback) {
    if (![...Object.values(fontFor)].some((table) => [...table.values()].includes(fallback))) delete families[fallback]
  }

  const reported = new Set<number>()
  for (const [value, node] of texts(tree)) {
    for (const char of value) {
      const codePoint = char.codePointAt(0)!
      if (reported.has(codePoint) || fontFor[template.fonts.text].get(codePoint) !== null) continue
      reported.add(codePoint)
      const name = `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`
      problem(file, `Unexpected character ${name} (“${char}”) that no print font covers, expected one of ${[template.fonts.text, ...template.fonts.fallback].join(', ')} to have it`, node, 'pdf-missing-glyph', { fatal: false, source: 'dossier-pdf' })
    }
  }
  return { families, fontFor }
}

type Located = Parameters<typeof problem>[2]

function texts(tree: Root): Array<[string, Located]> {
  const found: Array<[string, Located]> = []
  visit(tree, (node) => {
    if (node.type === 'text' || node.type === 'inlineCode' || node.type === 'code') found.push([node.value, node])
    if (node.type === 'image' && node.alt) found.push([node.alt, node])
  })
  return found
}
