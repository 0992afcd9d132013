import type { Position } from '../../types.js'
import { placeAt, type Places } from '../../yaml-source.js'

/** Report a bad value at a key path of a YAML file. */
export type Complain = (reason: string, key: string) => void

/**
 * Typed access to a parsed YAML value by key path (`select.themes`), each
 * wrong value reported at its place. Readers return a fallback on error so
 * that every problem in a file is reported at once.
 */
export class Fields {
  constructor(
    private readonly root: unknown,
    readonly places: Places,
    readonly complain: Complain
  ) {}

  placeOf(key: string): Position | undefined {
    return placeAt(this.places, key)
  }

  has(key: string): boolean {
    return this.get(key) !== undefined && this.get(key) !== null
  }

  get(key: string): unknown {
    let value: unknown = this.root
    for (const part of key.split('.')) {
      if (Array.isArray(value)) value = value[Number(part)]
      else if (isRecord(value)) value = value[part]
      else return undefined
    }
    return value
  }

  string(key: string, fallback?: string): string {
    const value = this.get(key)
    if (typeof value === 'string' && value.trim() !== '') return value.trim()
    if (value === undefined || value === null) {
      if (fallback !== undefined) return fallback
      this.complain(`Missing \`${key}\`, expected text`, key)
    } else {
      this.complain(`Unexpected ${describe(value)} for \`${key}\`, expected text`, key)
    }
    return fallback ?? ''
  }

  optionalString(key: string): string | undefined {
    return this.has(key) ? this.string(key) : undefined
  }

  number(key: string, fallback: number, check: (value: number) => boolean = () => true, expected = 'a number'): number {
    const value = this.get(key)
    if (value === undefined || value === null) return fallback
    if (typeof value === 'number' && check(value)) return value
    this.complain(`Unexpected ${describe(value)} for \`${key}\`, expected ${expected}`, key)
    return fallback
  }

  /** A list of strings; a single string counts as a list of one. */
  strings(key: string, expected = 'an id'): string[] {
    const value = this.get(key)
    if (value === undefined || value === null) return []
    const list = Array.isArray(value) ? value : [value]
    return list.flatMap((item, index) => {
      if (typeof item === 'string') return [item]
      this.complain(`Unexpected ${describe(item)} in \`${key}\`, expected ${expected}`, Array.isArray(value) ? `${key}.${index}` : key)
      return []
    })
  }

  numbers(key: string, fallback: number[]): number[] {
    const value = this.get(key)
    if (value === undefined || value === null) return fallback
    const list = Array.isArray(value) ? value : [value]
    return list.flatMap((item, index) => {
      if (Number.isInteger(item) && Number(item) >= 1) return [Number(item)]
      this.complain(`Unexpected ${describe(item)} in \`${key}\`, expected a whole number from 1`, Array.isArray(value) ? `${key}.${index}` : key)
      return []
    })
  }

  /** Report keys of a mapping that are not among `known`. */
  onlyKeys(key: string, known: string[]): void {
    const value = key === '' ? this.root : this.get(key)
    if (!isRecord(value)) return
    for (const name of Object.keys(value)) {
      const path = key ? `${key}.${name}` : name
      if (!known.includes(name)) this.complain(`Unexpected field \`${path}\`, expected one of ${known.map((k) => `\`${k}\``).join(', ')}`, path)
    }
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'list'
  if (isRecord(value)) return 'mapping'
  return `\`${String(value)}\``
}
