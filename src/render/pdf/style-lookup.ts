import { createRequire } from 'node:module'

/**
 * pdfmake finds each style property of each word it measures (font, size,
 * colour, links, some twenty of them) by walking the stack of styles the
 * word sits in. As written (`StyleContextStack`, pdfmake 0.3.x), every
 * walk makes a closure, and every named style on the way a closure and a
 * set, for cycles in `extends`: on a long report that is most of the
 * layout's garbage, and a quarter of its time with the collector. These
 * are the same lookups, giving the same answers in the same order of
 * precedence, that allocate nothing unless a style `extends` another.
 * `test/pdf.test.ts`, and every edition compared byte for byte
 * against pdfmake's own lookups stand behind "the same".
 */

interface Stack {
  styleDictionary: Record<string, Style | undefined>
  defaultStyle?: Record<string, unknown>
  styleOverrides: Array<string | Record<string, unknown>>
  autopush(item: unknown): number
  pop(count: number): void
  getProperty(property: string): unknown
}

type Style = Record<string, unknown> & { extends?: string | string[] }

interface StackClass {
  prototype: Stack
  getStyleProperty(item: Record<string, unknown>, stack: Stack | undefined, property: string, defaultValue: unknown): unknown
}

const isValue = (value: unknown) => value !== undefined && value !== null

/** A named style's value for `property`, through the styles it extends (each visited once). */
function fromStyle(styles: Stack['styleDictionary'], name: string, property: string, visited?: Set<string>): unknown {
  const style = styles[name]
  if (!style) return undefined
  const value = style[property]
  if (isValue(value)) return value
  if (!style.extends) return undefined
  const seen = visited ?? new Set<string>([name])
  const parents = Array.isArray(style.extends) ? style.extends : [style.extends]
  for (let index = parents.length - 1; index >= 0; index--) {
    if (seen.has(parents[index])) continue
    seen.add(parents[index])
    const inherited = fromStyle(styles, parents[index], property, seen)
    if (isValue(inherited)) return inherited
  }
  return undefined
}

let installed = false

/** Replace pdfmake's lookups; once per process. */
export function installStyleLookup(): void {
  if (installed) return
  installed = true
  const StyleContextStack = (createRequire(import.meta.url)('pdfmake/js/StyleContextStack.js') as { default: StackClass }).default
  StyleContextStack.prototype.getProperty = function (property) {
    const overrides = this.styleOverrides
    for (let index = overrides.length - 1; index >= 0; index--) {
      const item = overrides[index]
      const value = typeof item === 'string' ? fromStyle(this.styleDictionary, item, property) : item[property]
      if (isValue(value)) return value
    }
    return this.defaultStyle && this.defaultStyle[property]
  }
  StyleContextStack.getStyleProperty = function (item, stack, property, defaultValue) {
    if (isValue(item[property])) return item[property]
    if (!stack) return defaultValue
    const pushed = stack.autopush(item)
    const value = stack.getProperty(property)
    if (pushed > 0) stack.pop(pushed)
    return isValue(value) ? value : defaultValue
  }
}
