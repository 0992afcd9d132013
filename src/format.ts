import type { ReportMeta } from './types.js'

/**
 * `2015-12` → "December 2015", `2015-12-16` → "December 16, 2015", in the
 * report's language. Fixed time zone, so every machine writes the same.
 */
export function displayDate(date: string | undefined, language: string): string {
  if (!date) return ''
  const [year, month, day] = date.split('-').map(Number)
  const value = new Date(Date.UTC(year, (month ?? 1) - 1, day ?? 1))
  return new Intl.DateTimeFormat(language, {
    year: 'numeric',
    month: month ? 'long' : undefined,
    day: day ? 'numeric' : undefined,
    timeZone: 'UTC'
  }).format(value)
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
