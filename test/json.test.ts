import { readFileSync } from 'node:fs'
import path from 'node:path'
import Ajv from 'ajv'
import { describe, expect, it } from 'vitest'
import { build } from '../src/build.js'
import type { ReportData } from '../src/types.js'
import { reportSource, root, tempDir } from './helpers.js'

describe('the JSON edition', async () => {
  const out = tempDir()
  const result = await build({ source: reportSource, outDir: out, formats: ['json'] })
  const data = JSON.parse(readFileSync(path.join(out, 'report.json'), 'utf8')) as ReportData
  const schema = JSON.parse(readFileSync(path.join(root, 'schema', 'report.schema.json'), 'utf8')) as object
  const validate = new Ajv({ allErrors: true }).compile(schema)

  it('is written as NAME.json', () => {
    expect(result.written).toEqual([path.join(out, 'report.json')])
  })

  it('validates against the schema kept in the repository', () => {
    expect(validate(data), JSON.stringify(validate.errors, null, 2)).toBe(true)
  })

  it('holds the front matter and the counts of the original', () => {
    expect(data.meta.title).toBe('North Korea’s Cyber Operations')
    expect(data.meta.authors).toEqual(['Jenny Jun', 'Scott LaFoy', 'Ethan Sohn'])
    expect(data.meta.audiences.map((a) => a.id)).toEqual(expect.arrayContaining(['us', 'alliance']))
    expect([data.findings.length, data.objectives.length, data.recommendations.length]).toEqual([7, 4, 11])
  })

  it('the schema rejects what it should', () => {
    const broken = structuredClone(data) as unknown as { recommendations: Array<{ audiences: string[]; label: string }> }
    broken.recommendations[0].audiences = []
    expect(validate(broken)).toBe(false)
  })
})
