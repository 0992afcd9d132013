/**
 * How much a source may hold. Each limit keeps a build within bounded time
 * and memory; going over one is a problem at its place, never a crash.
 * The defaults are far above what a report needs.
 */
export interface Limits {
  /** Size of the source in bytes. */
  inputBytes: number
  /** Nesting of block quotes, lists, emphasis and links. */
  depth: number
  /** Cells in one table. */
  tableCells: number
  /** Footnotes in one report. */
  footnotes: number
  /** Pixels in one image (width × height). */
  imagePixels: number
}

export const defaultLimits: Limits = {
  inputBytes: 2_000_000,
  depth: 32,
  tableCells: 100_000,
  footnotes: 5_000,
  imagePixels: 50_000_000
}

/** Each limit's command-line flag, for messages that say how to raise it. */
export const limitFlags: Record<keyof Limits, string> = {
  inputBytes: '--max-input',
  depth: '--max-depth',
  tableCells: '--max-table-cells',
  footnotes: '--max-footnotes',
  imagePixels: '--max-image-pixels'
}

/** `1200`, `10MB`, `50M`, `2k`: a count or size as people write it; undefined when it is not one. */
export function parseAmount(value: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([kmg]?)b?\s*$/i.exec(value)
  if (!match) return undefined
  const factor = { '': 1, k: 1e3, m: 1e6, g: 1e9 }[match[2].toLowerCase() as '' | 'k' | 'm' | 'g']
  const amount = Math.round(Number(match[1]) * factor)
  return amount > 0 ? amount : undefined
}
