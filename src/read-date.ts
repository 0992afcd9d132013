/**
 * Dates as people write them in front matter, read into ISO text at the
 * precision written: `2015`, `2015-12`, `2015-12-16`. A date that cannot
 * exist (`2015-02-30`, month 13) is reported, never rolled over into
 * another one as `Date` would.
 */
export type DateReading = { iso: string } | { impossible: string } | { unreadable: true }

const monthNames = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december']
const month = '([a-z]+)\\.?'
const patterns = {
  // 2015, 2015-12, 2015-12-16, 2015-12-16T10:30:00Z, Jekyll's 2015-12-16 10:30:00 -0500
  // (the time is checked, then dropped: the date is the day as written).
  iso: /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s?(?:Z|[+-]\d{2}:?\d{2})?)?)?)?$/,
  // December 2015, 16 December 2015, 16 Dec. 2015
  dayMonthYear: new RegExp(`^(?:(\\d{1,2})\\s+)?${month},?\\s+(\\d{4})$`, 'i'),
  // December 16, 2015
  monthDayYear: new RegExp(`^${month}\\s+(\\d{1,2})(?:st|nd|rd|th)?,?\\s+(\\d{4})$`, 'i')
}

/**
 * Read a front matter `date`: a YAML timestamp (a `Date`, under YAML 1.1),
 * a year as a number, ISO text, or an English month name with its year
 * and, optionally, its day.
 */
export function readDate(value: unknown): DateReading {
  if (value instanceof Date) {
    return Number.isNaN(value.getTime()) ? { unreadable: true } : { iso: value.toISOString().slice(0, 10) }
  }
  if (typeof value === 'number') return Number.isInteger(value) && value >= 1000 && value <= 9999 ? { iso: String(value) } : { unreadable: true }
  if (typeof value !== 'string') return { unreadable: true }
  const text = value.trim()

  const iso = patterns.iso.exec(text)
  if (iso) {
    const [, year, monthNumber, day, hour, minute, second] = iso
    if (Number(hour) > 23 || Number(minute) > 59 || Number(second) > 59) return { impossible: `there is no time ${text.slice(11)}` }
    return checked(Number(year), monthNumber === undefined ? undefined : Number(monthNumber), day === undefined ? undefined : Number(day))
  }
  const dayFirst = patterns.dayMonthYear.exec(text)
  if (dayFirst) return named(dayFirst[2], dayFirst[3], dayFirst[1])
  const monthFirst = patterns.monthDayYear.exec(text)
  if (monthFirst) return named(monthFirst[1], monthFirst[3], monthFirst[2])
  return { unreadable: true }
}

/** A month written as a word: its full name or its first three letters (and `Sept`). */
function named(word: string, year: string, day: string | undefined): DateReading {
  const lower = word.toLowerCase()
  const index = monthNames.findIndex((name) => lower === name || lower === name.slice(0, 3) || (lower === 'sept' && name === 'september'))
  if (index < 0) return { unreadable: true }
  return checked(Number(year), index + 1, day === undefined ? undefined : Number(day))
}

function checked(year: number, monthNumber: number | undefined, day: number | undefined): DateReading {
  if (monthNumber === undefined) return { iso: String(year) }
  if (monthNumber < 1 || monthNumber > 12) return { impossible: `there is no month ${monthNumber}` }
  const yearMonth = `${year}-${String(monthNumber).padStart(2, '0')}`
  if (day === undefined) return { iso: yearMonth }
  // Day 0 of the next month is the last day of this one.
  const days = new Date(Date.UTC(year, monthNumber, 0)).getUTCDate()
  if (day < 1 || day > days) return { impossible: `${capitalize(monthNames[monthNumber - 1])} ${year} has ${days} days` }
  return { iso: `${yearMonth}-${String(day).padStart(2, '0')}` }
}

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1)
}
