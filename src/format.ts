import path from 'node:path'
import type { ReportMeta } from './types.js'

/**
 * `2015-12` → "December 2015", `2015-12-16` → "December 16, 2015", in the
 * report's language. Fixed time zone, so every machine writes the same.
 */
export function displayDate(date: string | undefined, language: string): string {
  if (!date) return ''
  const [year, month, day] = date.split('-').map(Number)
  const value = new Date(Date.UTC(year, (month ?? 1) - 1, day ?? 1))
  // American English as Intl writes it, without the 25 ms ICU takes to load its calendar data.
  const exists = value.getUTCFullYear() === year && value.getUTCMonth() === (month ?? 1) - 1 && value.getUTCDate() === (day ?? 1)
  if (/^en(-US)?$/i.test(language) && exists && year >= 1000 && year <= 9999) return month ? `${englishMonths[month - 1]} ${day ? `${day}, ` : ''}${year}` : `${year}`
  return new Intl.DateTimeFormat(language, {
    year: 'numeric',
    month: month ? 'long' : undefined,
    day: day ? 'numeric' : undefined,
    timeZone: 'UTC'
  }).format(value)
}

const englishMonths = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December']

/** Whether a file of a folder is a report's source: Markdown, but not the folder's README. */
export function isReportFile(name: string): boolean {
  return name.endsWith('.md') && name.toLowerCase() !== 'readme.md'
}

/** Escape text for HTML: only what must be, so URLs stay readable. */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"]/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[char]!)
}

/** Each author as the editions credit them: the name, then any affiliations (`Norah Jones (Carnegie Mellon University)`). */
export function authorCredits(meta: Pick<ReportMeta, 'authors' | 'affiliations'>): string[] {
  return meta.authors.map((name) => {
    const affiliations = meta.affiliations?.[name] ?? []
    return affiliations.length > 0 ? `${name} (${affiliations.join('; ')})` : name
  })
}

/** A file's size as a reader reads it: `812 bytes`, `312 kB`, `1.2 MB` (SI units, as browsers show downloads). */
export function formatSize(bytes: number): string {
  if (bytes < 1000) return `${bytes} bytes`
  if (bytes < 1_000_000) return `${Math.round(bytes / 1000)} kB`
  return `${(bytes / 1_000_000).toFixed(1)} MB`
}

/** A file's format as a reader knows it, from its extension: `PDF`, `DOCX`. */
export function formatName(file: string): string {
  return path.posix.extname(file).slice(1).toUpperCase()
}

/**
 * A link from one output file to another, both relative to the output
 * folder: relative, so the pages work from the folder (file://) and under
 * any sub-path a host serves them from.
 */
export function relativeHref(from: string, to: string): string {
  return path.posix.relative(path.posix.dirname(from), to).split('/').map(encodeURIComponent).join('/')
}

/** How many bytes an output takes on disk. */
export function byteSize(data: string | Uint8Array): number {
  return typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength
}
