import { readFileSync } from 'node:fs'
import { VFile } from 'vfile'
import { describe, expect, it } from 'vitest'
import { parseReport, reportData } from '../src/pipeline.js'
import { reportSource } from './helpers.js'

async function extract(value: string, path = 'report.md') {
  const file = new VFile({ path, value })
  await parseReport(file)
  return { file, data: reportData(file) }
}

/** Labels and the start of each lead, as the original report prints them. */
const original = {
  findings: [
    ['1', 'North Korea’s Strategic Context:'],
    ['2', 'Cyber Capabilities and Asymmetric Strategy:'],
    ['3', 'North Korea’s Cyber Strategy:'],
    ['1', 'The Reconnaissance General Bureau (RGB):'],
    ['2', 'The General Staff Department (GSD):'],
    ['3', 'North Korea’s Tech Base:'],
    ['1', 'Future Threats:']
  ],
  objectives: [
    ['1.a', 'Prepare a graduated series of direct responses'],
    ['1.b', 'Curb North Korea’s operational freedom in cyberspace.'],
    ['1.c', 'Identify and leverage North Korea’s vulnerabilities'],
    ['1.d', 'Adopt damage mitigation and resiliency measures']
  ],
  recommendations: [
    ['2.a', 'Consider developing a declared policy', 'us'],
    ['2.b', 'Further implement Executive Order 13687 and 13694', 'us'],
    ['2.c', 'Strengthen the international legal and normative base', 'us'],
    ['2.d', 'International cooperation is imperative for implementation.', 'us'],
    ['3.a', 'The U.S. and ROK should develop contingency plans', 'alliance'],
    ['3.b', 'Consider exploiting North Korea’s vulnerability to outside information.', 'alliance'],
    ['3.c', 'Review the possibility that North Korea’s growing cyber power', 'alliance'],
    ['3.d', 'Vulnerabilities in interoperability arising from', 'alliance'],
    ['3.e', 'Encourage greater information sharing arrangements', 'alliance'],
    ['3.f', 'The U.S. and ROK should continue to engage in regional', 'alliance'],
    ['3.g', 'Leverage existing bilateral coordination on international', 'alliance']
  ]
}

describe('extraction from source/report.md', async () => {
  const { file, data } = await extract(readFileSync(reportSource, 'utf8'))

  it('reports no problems', () => {
    expect(file.messages.map(String)).toEqual([])
  })

  it('finds the seven findings with the labels and leads of the original', () => {
    expect(data.findings.map((item) => [item.label, item.lead])).toEqual(original.findings)
    expect(data.findings.map((item) => item.section.title)).toEqual([
      ...Array(3).fill('The Strategic Context of DPRK’s Cyber Operations'),
      ...Array(3).fill('The Organization of DPRK’s Cyber Operations'),
      'Future Threat Trends from DPRK’s Cyber Operations'
    ])
  })

  it('finds the four objectives', () => {
    expect(data.objectives).toHaveLength(4)
    data.objectives.forEach((item, index) => {
      expect(item.label).toBe(original.objectives[index][0])
      expect(item.lead.startsWith(original.objectives[index][1])).toBe(true)
    })
  })

  it('finds the eleven recommendations with their audiences', () => {
    expect(data.recommendations).toHaveLength(11)
    data.recommendations.forEach((item, index) => {
      const [label, lead, audience] = original.recommendations[index]
      expect(item.label).toBe(label)
      expect(item.lead.startsWith(lead)).toBe(true)
      expect(item.audiences).toEqual([audience])
      expect(item.themes.length).toBeGreaterThan(0)
    })
  })

  it('keeps the body apart from the lead, as text and as Markdown', () => {
    const item = data.recommendations.find((r) => r.label === '2.b')!
    expect(item.body.text.startsWith('The U.S. now has a basis for sanctioning')).toBe(true)
    expect(item.body.text).not.toContain(item.lead)
    const future = data.findings.find((f) => f.id === 'future-threats')!
    expect(future.body.markdown).toMatch(/^Left unchecked/)
    expect(future.body.markdown).toContain('1. **At one end of the spectrum')
  })

  it('records each item’s source position', () => {
    const lines = readFileSync(reportSource, 'utf8').split('\n')
    for (const item of [...data.findings, ...data.objectives, ...data.recommendations]) {
      const line = lines[item.position.start.line - 1]
      expect(line.slice(item.position.start.column - 1)).toMatch(new RegExp(`^:${item.kind}\\[`))
    }
  })
})

describe('ids are written in the source, labels computed', () => {
  it('inserting an item renumbers labels but keeps every id', async () => {
    const base = '---\ntitle: T\n---\n\n# S\n\n1. :finding[A:]{#a} x\n2. :finding[B:]{#b} y\n'
    const inserted = base.replace('1. :finding[A:]', '1. :finding[New:]{#new} z\n2. :finding[A:]')
    const before = (await extract(base)).data.findings.map((f) => [f.id, f.label])
    const after = (await extract(inserted)).data.findings.map((f) => [f.id, f.label])
    expect(before).toEqual([['a', '1'], ['b', '2']])
    expect(after).toEqual([['new', '1'], ['a', '2'], ['b', '3']])
  })
})
