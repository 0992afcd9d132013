import { pdfmakeClass } from './pdfmake-classes.js'

/**
 * pdfmake finds each style property of each word it measures (font, size,
 * colour, links, some twenty of them) by walking the stack of styles the
 * word sits in. As written (`StyleContextStack`, pdfmake 0.3.x), every
 * lookup pushes the word and its styles onto the stack, walks all of it,
 * and pops them again, making a closure per walk and a closure and a set
 * per named style on the way: on a long report that was a sixth of the
 * layout's time and most of its garbage. Here a word's own styles are
 * looked at without pushing them, and what the stack under them says is
 * worked out once per property for as long as the stack does not change
 * (every word of a paragraph shares it). The answers, and their order of
 * precedence, are pdfmake's: where pdfmake writes a style property onto a
 * node on the stack (a cell's `fillColor`, a node's `font`), it writes the
 * value the stack gave. `test/pdf.test.ts`, and every edition compared byte
 * for byte against pdfmake's own lookups, stand behind "the same".
 */

interface Stack {
  styleDictionary: Record<string, Style | undefined>
  defaultStyle?: Record<string, unknown>
  styleOverrides: Array<string | Record<string, unknown>>
  push(item: string | Record<string, unknown>): void
  pop(count?: number): void
  getProperty(property: string): unknown
  /** Bumped by every push and pop: what the stack says holds while it stays the same. */
  changes?: number
  said?: { changes?: number; values: Map<string, unknown> }
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

/** Replace pdfmake's lookups (`print.ts` does, as it loads). */
export function installStyleLookup(): void {
  const StyleContextStack = pdfmakeClass<StackClass>('StyleContextStack')
  const stack = StyleContextStack.prototype
  stack.push = function (item) {
    this.styleOverrides.push(item)
    this.changes = (this.changes ?? 0) + 1
  }
  stack.pop = function (count = 1) {
    while (count-- > 0) this.styleOverrides.pop()
    this.changes = (this.changes ?? 0) + 1
  }
  stack.getProperty = function (property) {
    if (!this.said || this.said.changes !== this.changes) this.said = { changes: this.changes, values: new Map() }
    const { values } = this.said
    if (values.has(property)) return values.get(property)
    const value = walk(this, property)
    values.set(property, value)
    return value
  }
  StyleContextStack.getStyleProperty = function (item, stack, property, defaultValue) {
    if (isValue(item[property])) return item[property]
    if (!stack) return defaultValue
    // What pdfmake would push for the item (its named styles under it), looked at in place; a section pushes nothing.
    if (typeof item === 'object' && item.section === undefined && item.style) {
      const names = (Array.isArray(item.style) ? item.style : [item.style]) as Array<string | Record<string, unknown>>
      for (let index = names.length - 1; index >= 0; index--) {
        const name = names[index]
        const value = typeof name === 'string' ? fromStyle(stack.styleDictionary, name, property) : name[property]
        if (isValue(value)) return value
      }
    }
    const value = stack.getProperty(property)
    return isValue(value) ? value : defaultValue
  }
}

/** The stack's value for `property`, from its top down to the default style. */
function walk(stack: Stack, property: string): unknown {
  const overrides = stack.styleOverrides
  for (let index = overrides.length - 1; index >= 0; index--) {
    const item = overrides[index]
    const value = typeof item === 'string' ? fromStyle(stack.styleDictionary, item, property) : item[property]
    if (isValue(value)) return value
  }
  return stack.defaultStyle && stack.defaultStyle[property]
}
