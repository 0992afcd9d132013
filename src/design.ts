import type { VFile } from 'vfile'
import { loadTemplateData } from './template-data.js'
import type { TemplateLayers } from './templates.js'

/**
 * The house design, `templates/design.json`: what every edition shares.
 * Templates name its values as tokens (`{color.heading}`), as the W3C
 * design tokens format writes an alias; the web edition reads them as CSS
 * custom properties.
 */
export interface Design {
  face: { text: string; display: string; code: string }
  color: Record<'text' | 'heading' | 'lead' | 'accent' | 'muted' | 'rule' | 'link' | 'paper' | 'codeBackground' | 'tableHeader' | 'tableRule', string>
  /** Type sizes in points. */
  size: Record<'body' | 'small' | 'note' | 'h1' | 'h2' | 'h3' | 'h4' | 'title' | 'subtitle', number>
  /** Baseline to baseline, as a multiple of the type size. */
  leading: Record<'body' | 'heading' | 'tight', number>
  space: Record<'paragraph' | 'item' | 'section' | 'afterHeading', number>
  /** Paper and side margins in points. */
  page: { width: number; height: number; margin: number }
  /** Characters on a full line of body text, at least and at most. */
  measure: { min: number; max: number }
}

export const designDefaults: Design = {
  face: { text: 'Source Serif 4', display: 'Source Sans 3', code: 'Source Code Pro' },
  color: {
    text: '#1d1d1f',
    heading: '#1f3a5f',
    lead: '#1f3a5f',
    accent: '#8a1c2b',
    muted: '#5b6169',
    rule: '#b9bdc3',
    link: '#1d4f7a',
    paper: '#ffffff',
    codeBackground: '#f2f2f0',
    tableHeader: '#ebe8e4',
    tableRule: '#c8c4bf'
  },
  size: { body: 11, small: 9, note: 8.5, h1: 20, h2: 14.5, h3: 12.5, h4: 11, title: 34, subtitle: 18 },
  leading: { body: 1.3, heading: 1.15, tight: 1.2 },
  space: { paragraph: 8, item: 6, section: 30, afterHeading: 10 },
  page: { width: 612, height: 792, margin: 117 },
  measure: { min: 60, max: 75 }
}

/** Read `design.json` from each template layer over the defaults; undefined, with a message on `file`, when it is broken. */
export function loadDesign(file: VFile, templates: TemplateLayers): Promise<Design | undefined> {
  return loadTemplateData(file, templates, 'design.json', designDefaults, { format: 'design' })
}

/** A token as a template writes it: `{color.heading}`. */
const tokenPattern = /^\{([A-Za-z][\w-]*(?:\.[A-Za-z][\w-]*)+)\}$/

/** The value a token names in the design, or undefined. */
export function tokenValue(design: Design, text: string): string | number | undefined {
  const match = tokenPattern.exec(text)
  if (!match) return undefined
  let value: unknown = design
  for (const key of match[1].split('.')) value = value && typeof value === 'object' && !key.startsWith('$') ? (value as Record<string, unknown>)[key] : undefined
  return typeof value === 'string' || typeof value === 'number' ? value : undefined
}

export function isToken(value: unknown): value is string {
  return typeof value === 'string' && tokenPattern.test(value)
}

/** The option `loadTemplateData` takes to read a template's tokens through `design`. */
export function designTokens(design: Design) {
  return <T>(value: T) => resolveTokens(value, design)
}

/**
 * Replace every token in `value` (deeply) by the design's value. Tokens
 * that name nothing are returned by path, for the caller to report.
 */
export function resolveTokens<T>(value: T, design: Design): { value: T; unknown: Array<{ path: Array<string | number>; token: string }> } {
  const unknown: Array<{ path: Array<string | number>; token: string }> = []
  const walk = (item: unknown, path: Array<string | number>): unknown => {
    if (Array.isArray(item)) return item.map((entry, index) => walk(entry, [...path, index]))
    if (item && typeof item === 'object') return Object.fromEntries(Object.entries(item).map(([key, entry]) => [key, key.startsWith('$') ? entry : walk(entry, [...path, key])]))
    if (!isToken(item)) return item
    const resolved = tokenValue(design, item)
    if (resolved === undefined) unknown.push({ path, token: item })
    return resolved ?? item
  }
  return { value: walk(value, []) as T, unknown }
}

/** Every design value as a CSS custom property (`--color-heading: #1f3a5f`), sizes in points, for the web editions. */
export function designCss(design: Design): string {
  const properties: string[] = []
  for (const [group, values] of Object.entries(design)) {
    if (group.startsWith('$') || typeof values !== 'object') continue
    for (const [name, value] of Object.entries(values as Record<string, unknown>)) {
      if (name.startsWith('$')) continue
      const css = typeof value === 'number' ? (group === 'leading' || group === 'measure' ? String(value) : `${value}pt`) : group === 'face' ? `"${value}"` : String(value)
      properties.push(`  --${group}-${name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}: ${css};`)
    }
  }
  return `:root {\n${properties.join('\n')}\n}`
}
