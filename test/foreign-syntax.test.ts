import { describe, expect, it } from 'vitest'
import { build } from '../src/build.js'
import { fixture, tempDir } from './helpers.js'

describe('syntax of other tools that Markdown reads as text', () => {
  it('is a warning at its place, each kind with what to write instead, and the editions still build', async () => {
    const out = tempDir()
    const result = await build({ source: fixture('pandoc-syntax', 'report.md'), outDir: out, formats: ['html', 'json'] })
    const found = result.file.messages.filter((message) => message.ruleId?.startsWith('syntax-')).map((message) => `${message.line}:${message.column} ${message.ruleId} ${message.reason.split(',')[0]}`)
    expect(found).toEqual([
      '14:46 syntax-citation Unexpected citation `[@smith2020',
      '19:1 syntax-fenced-div Unexpected fenced div `::: {.callout-note}` (Pandoc',
      '29:1 syntax-code-chunk Unexpected code chunk `{python}` (Quarto',
      '35:15 syntax-inline-note Unexpected inline footnote `^[…]` (Pandoc)'
    ])
    expect(result.file.messages.every((message) => !message.fatal)).toBe(true)
    expect(result.written).toHaveLength(2)
  })

  it('leaves alone what only looks like it: code, a caret and a bracket apart, an email address', async () => {
    const { VFile } = await import('vfile')
    const { parseReport } = await import('../src/pipeline.js')
    const file = new VFile({ path: 'report.md', value: '# A\n\nWrite `^[note]` and `[@key]` in code; x^2 [y]; mail [me@example.org].\n\n```\n::: {.note}\n```\n' })
    await parseReport(file, {})
    expect(file.messages.filter((message) => message.ruleId?.startsWith('syntax-')).map(String)).toEqual([])
  })
})
