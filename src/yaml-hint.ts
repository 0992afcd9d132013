/** Characters that mean something at the start of a YAML value, so plain text cannot start with them. */
const indicators = /^[[\]{}*&!|>@`%#,?-]/

/**
 * The fix for the commonest YAML slip, a value of plain text that YAML
 * reads as syntax: a colon and a space inside it (`subtitle: Strategy: and
 * Responses`), or a first character that starts a list, a mapping, an alias
 * or an anchor (`title: [DRAFT] Cyber brief`). Given the line an error is
 * on, the same line with the value quoted; undefined when the line is not
 * such a slip.
 */
export function quoteHint(line: string): string | undefined {
  const match = /^(\s*(?:-\s+)?[\w.-]+:\s+)(.*?)\s*$/.exec(line)
  if (!match) return undefined
  const [, key, value] = match
  if (!value || /^["']/.test(value)) return undefined
  if (!value.includes(': ') && !indicators.test(value)) return undefined
  return `if the value is text, quote it: \`${key.trim()} ${JSON.stringify(value)}\``
}
