import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { build } from '../src/build.js'
import { reportSource, tempDir } from './helpers.js'

/** Check a copy of the report with one edit, as an editor would make it; its problems as `[line, rule, reason, fatal]`. */
async function checkWith(edit: (source: string) => string) {
  const source = path.join(tempDir(), 'report.md')
  const original = readFileSync(reportSource, 'utf8')
  const edited = edit(original)
  expect(edited).not.toBe(original)
  writeFileSync(source, edited)
  const { file } = await build({ source, check: true, formats: ['json'] })
  return file.messages.map((message) => [message.line, message.ruleId, message.reason, message.fatal])
}

describe('one clear message for each slip, with the name meant', () => {
  it('a misspelled item directive is an error naming the directive meant, with no follow-on problems', async () => {
    const problems = await checkWith((text) =>
      text.replace(':recommendation[Encourage greater information sharing', ':recomendation[Encourage greater information sharing') + '\nSee [](#information-sharing).\n'
    )
    expect(problems).toEqual([[expect.any(Number), 'directive-misspelled', 'Unknown directive `:recomendation`, did you mean `:recommendation`?', true]])
  })

  it('a mistyped anchor warns with the anchor meant', async () => {
    const problems = await checkWith((text) => text + '\nSee [](#declared-polcy).\n')
    expect(problems).toEqual([[expect.any(Number), 'link-anchor-unknown', expect.stringMatching(/^Unknown anchor `#declared-polcy`, .*did you mean `#declared-policy`\?$/), false]])
  })

  it('a mistyped audience or theme names the one meant', async () => {
    const problems = await checkWith((text) => text.replace('{#declared-policy audience="us" themes="escalation sanctions norms"}', '{#declared-policy audience="uss" themes="escalation sanction norms"}'))
    expect(problems.map(([, rule, reason]) => [rule, reason])).toEqual([
      ['item-audience-unknown', 'Unknown audience `uss` on `declared-policy`, did you mean `us`?'],
      ['item-theme-unknown', 'Unknown theme `sanction` on `declared-policy`, did you mean `sanctions`?']
    ])
  })

  it('a colon inside an unquoted value is one message at its line, saying to quote it', async () => {
    const problems = await checkWith((text) => text.replace('subtitle: Strategy and Responses', 'subtitle: Strategy: and Responses'))
    expect(problems).toEqual([[3, 'front-matter-yaml', expect.stringContaining('quote it: `subtitle: "Strategy: and Responses"`'), true]])
  })

  it('a value starting with `[` is one message at its line, saying to quote it', async () => {
    const problems = await checkWith((text) => text.replace('title: North Korea’s Cyber Operations', 'title: [DRAFT] Cyber brief'))
    expect(problems).toEqual([[2, 'front-matter-yaml', expect.stringContaining('quote it: `title: "[DRAFT] Cyber brief"`'), true]])
  })
})
