import { joinSentences } from '../../text.js'
import type { MemoLayout } from './types.js'

/** Words that make a lead a statement rather than an instruction: it has its own subject and verb. */
const statementVerb = /\b(?:should|must|shall|will|is|are|was|were|cannot|can[’']t)\b/i

/** Words that open a noun phrase, the subject of a statement. */
const determiner = /^(?:the|a|an|this|these|those|its|their|our|each|every|all|both)\b/i

/**
 * The opening of a memo's bottom line: what it recommends, in the memo's
 * voice, from the leads of its first recommendations as the report words
 * them. Leads that are instructions (“Consider developing …”) become
 * clauses of one sentence, numbered as the memo numbers them: “We recommend
 * that U.S. policymakers (1) consider developing …; and (2) further
 * implement ….” Any other lead keeps its own sentence: “We recommend to
 * alliance planners: (1) The U.S. and ROK should develop ….” The patterns
 * are the layout's `text.askClauses` and `text.askSentences`.
 */
export function composeAsk(leads: string[], to: string, layout: MemoLayout): string {
  if (leads.length === 0) return ''
  const clauses = leads.every(readsAsInstruction)
  const parts = leads.map((lead) => (clauses ? lowerFirst(lead).replace(/[.;:]+$/, '') : withStop(lead)))
  const numbered = leads.length === 1 ? parts : parts.map((part, index) => `(${index + 1}) ${part}`)
  const asks = clauses ? joinClauses(numbered) : joinSentences(numbered)
  const pattern = clauses ? layout.text.askClauses : layout.text.askSentences
  return pattern.replace(/\{(to|asks)\}/g, (_, key: string) => (key === 'to' ? to : asks))
}

/** An instruction starts with its verb, capitalised as a sentence's first word is: no subject, no finite verb of its own. */
function readsAsInstruction(lead: string): boolean {
  return /^\p{Lu}\p{Ll}/u.test(lead) && !determiner.test(lead) && !statementVerb.test(lead)
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1)
}

/** The lead as a sentence: a stop at its end, unless it has one (`.`, `?`, `!`, or `。` `？` `！` in CJK text). */
function withStop(text: string): string {
  return /[.!?。？！]["”’)」』）]?$/u.test(text) ? text : `${text.replace(/[;:,]+$/, '')}.`
}

/** `a and b`; `a; b; and c`: leads have commas of their own. */
function joinClauses(parts: string[]): string {
  if (parts.length <= 2) return parts.join(' and ')
  return `${parts.slice(0, -1).join('; ')}; and ${parts.at(-1)}`
}
