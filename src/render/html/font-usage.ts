import type { Element, ElementContent, Root } from 'hast'
import { matches } from 'hast-util-select'

/** A face a stylesheet declares with `@font-face`. */
export interface DeclaredFace {
  family: string
  weight: number
  style: 'normal' | 'italic'
}

/** A rule of a stylesheet: its selectors and its declarations, in order. */
interface Rule {
  /** Its place in the stylesheet. */
  order: number
  selectors: Selector[]
  declarations: Array<[property: string, value: string]>
}

/** What a browser applies before any stylesheet, as far as faces go. */
const userAgentCss = `
b, strong, h1, h2, h3, h4, h5, h6, th, optgroup { font-weight: bolder }
i, em, cite, var, dfn, address { font-style: italic }
code, kbd, samp, pre, tt { font-family: monospace }
`

/**
 * Which characters each declared face sets in a page: what to keep of each
 * face when it is subset. A stylesheet's cascade is followed far enough to
 * err only on the side of keeping too much: where several matching rules
 * set a property, every value they set counts; a rule in `@media` counts
 * as if always on; generated content counts in the face of its rule (list
 * markers as every digit and letter). A face no text is set in gets no
 * characters at all.
 */
export function charactersByFace(tree: Root, css: string, faces: DeclaredFace[]): Map<DeclaredFace, Set<string>> {
  const stylesheet = readStylesheet(css)
  const { rules, index, variables, matched, shareable } = stylesheet
  const usage = new Map(faces.map((face) => [face, new Set<string>()]))
  const families = new Set(faces.map((face) => face.family))

  const facesFor = (state: FontState): DeclaredFace[] => {
    if (state.faces) return state.faces
    const chosen = new Set<DeclaredFace>()
    for (const stack of state.families) {
      const family = stack.find((name) => families.has(name))
      if (!family) continue
      for (const weight of state.weights) for (const style of state.styles) {
        const face = matchFace(faces.filter((candidate) => candidate.family === family), weight, style)
        if (face) chosen.add(face)
      }
    }
    state.faces = [...chosen]
    return state.faces
  }
  // Text by the state it is set in, gathered first: each state's characters are then found once.
  const texts = new Map<FontState, string[]>()
  const add = (state: FontState, text: string) => {
    const gathered = texts.get(state)
    if (gathered) gathered.push(text)
    else texts.set(state, [text])
  }
  // An element's state, by the state it inherits and the rules that select it: most elements share one.
  const states = new WeakMap<FontState, Map<string, FontState>>()
  const cascaded = (inherited: FontState, own: Rule[], key: string): FontState => {
    let known = states.get(inherited)
    if (!known) states.set(inherited, (known = new Map()))
    let state = known.get(key)
    if (!state) known.set(key, (state = cascade(inherited, own, variables)))
    return state
  }

  const ancestors: Element[] = []
  const chains: number[] = [0]
  const visit = (node: ElementContent, inherited: FontState) => {
    if (node.type === 'text') return add(inherited, node.value)
    if (node.type !== 'element') return
    if (['head', 'script', 'style', 'template', 'title'].includes(node.tagName)) return
    // What selects an element depends on it and its ancestors alone: elements alike under alike ancestors match alike.
    const chain = `${chains[chains.length - 1]}>${signature(node)}`
    let match = shareable ? matched.get(chain) : undefined
    if (!match) {
      const candidates = index.candidates(node)
      match = {
        // Never reused, even once the kept matches are let go: a chain names its ancestors by these ids.
        id: ++stylesheet.matches,
        own: candidates.filter((rule) => rule.selectors.some((selector) => selects(selector, node, ancestors, false))),
        generated: candidates.flatMap((rule) => {
          const pseudo = rule.selectors.find((selector) => selects(selector, node, ancestors, true))
          return pseudo ? [{ rule, pseudo }] : []
        })
      }
      if (matched.size >= keptMatches) matched.clear()
      matched.set(chain, match)
    }
    const { own } = match
    const state = own.length === 0 ? inherited : cascaded(inherited, own, own.map((rule) => rule.order).join())
    for (const { rule, pseudo } of match.generated) {
      const generated = cascaded(state, [rule], `::${rule.order}`)
      const content = rule.declarations.filter(([property]) => property === 'content').map(([, value]) => generatedText(value, node)).join('')
      const values = rule.declarations.map(([, value]) => value).join()
      // A marker or a counter in a list style may show letters; `counter(page)` only digits.
      const counted = /::?marker/.test(pseudo.text) || /counters?\([^)]*,/.test(values) ? markerCharacters : /counters?\(/.test(values) ? '0123456789' : ''
      add(generated, `${counted}${content}`)
    }
    ancestors.push(node)
    chains.push(match.id)
    for (const child of node.children) visit(child, state)
    chains.pop()
    ancestors.pop()
  }
  const initial: FontState = { families: [[]], weights: new Set([400]), styles: new Set(['normal']), transforms: new Set(['none']) }
  for (const child of tree.children) if (child.type === 'element' || child.type === 'text') visit(child, initial)
  for (const [state, gathered] of texts) {
    const text = gathered.join('')
    const shown = [...state.transforms].map((transform) => (transform === 'uppercase' ? text.toUpperCase() : transform === 'lowercase' ? text.toLowerCase() : transform === 'capitalize' ? text + text.toUpperCase() : text)).join('')
    const characters = distinctCharacters(shown)
    for (const face of facesFor(state)) {
      const used = usage.get(face)!
      for (const character of characters) used.add(character)
    }
  }
  return usage
}

/**
 * The characters of `text`, each once, in the order they first come; line
 * breaks and tabs are set as spaces. As `new Set(text)` finds them (code
 * points; a lone surrogate as itself), without a string and an iterator
 * result made for every character of the page: a fifth of what a rebuild of
 * the web edition allocated.
 */
function distinctCharacters(text: string): Set<string> {
  const seen = new Set<number>()
  const characters = new Set<string>()
  for (let index = 0; index < text.length; index++) {
    let code = text.codePointAt(index)!
    if (code > 0xffff) index++
    if (code === 9 || code === 10 || code === 13 || code === 12) code = 32
    if (seen.has(code)) continue
    seen.add(code)
    characters.add(String.fromCodePoint(code))
  }
  return characters
}

/** What matches an element, by the element and its ancestors (`signature`s under their parent's match). */
interface Match {
  id: number
  own: Rule[]
  generated: Array<{ rule: Rule; pseudo: Selector }>
}

/** The last stylesheet read, as rules, with what matched in it: a rebuild's is the same. */
let lastStylesheet: { css: string; rules: Rule[]; index: ReturnType<typeof ruleIndex>; variables: Map<string, string[]>; matched: Map<string, Match>; matches: number; shareable: boolean } | undefined
const keptMatches = 50_000

function readStylesheet(css: string) {
  if (lastStylesheet?.css !== css) {
    const rules = parseRules(`${userAgentCss}\n${css}`)
    // A selector that reads an element's content (`:empty`, `:has()`) matches elements alike apart.
    lastStylesheet = { css, rules, index: ruleIndex(rules), variables: customProperties(rules), matched: new Map(), matches: 0, shareable: !/:(empty|has|blank)\b/.test(css) }
  }
  return lastStylesheet
}

/**
 * An element as selectors see it: its name and attributes. A long value (an
 * inlined image) stands as its start, end and length, which attribute
 * selectors (`[src^="data:image/svg"]`) read.
 */
function signature(element: Element): string {
  let text = element.tagName
  for (const [name, value] of Object.entries(element.properties)) {
    const shown = Array.isArray(value) ? value.join(' ') : String(value)
    text += ` ${name}=${shown.length > 512 ? `${shown.slice(0, 256)}…${shown.length}…${shown.slice(-64)}` : shown}`
  }
  return text
}

/** The text of a `content` value: its strings and the attributes it shows (`attr(href)`). */
function generatedText(value: string, element: Element): string {
  return [...value.matchAll(/"([^"]*)"|'([^']*)'|attr\(\s*([\w-]+)\s*\)/g)]
    .map((match) => match[1] ?? match[2] ?? String(element.properties[match[3]] ?? ''))
    .join('')
}

/** What a list marker may show: numbers, letters, roman numerals, bullets. */
const markerCharacters = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.)•◦▪–-'

/** The faces that may be in force: each a possibility, as several rules may set them. */
interface FontState {
  /** Font stacks, each a list of family names in order. */
  families: string[][]
  weights: Set<number>
  styles: Set<'normal' | 'italic'>
  transforms: Set<string>
  /** The declared faces these may pick, once asked. */
  faces?: DeclaredFace[]
}

/** Properties set by the rules that match, each the union of what they set; the rest inherited. */
function cascade(inherited: FontState, rules: Rule[], variables: Map<string, string[]>): FontState {
  const declared = (name: string) => rules.flatMap((rule) => rule.declarations.filter(([property]) => property === name).flatMap(([, value]) => resolve(value, variables)))
  const state: FontState = { families: [], weights: new Set(), styles: new Set(), transforms: new Set() }
  for (const shorthand of declared('font')) {
    const font = parseFont(shorthand)
    if (!font) continue
    state.families.push(font.family)
    state.weights.add(font.weight ?? 400)
    state.styles.add(font.style ?? 'normal')
  }
  for (const value of declared('font-family')) state.families.push(familyList(value))
  for (const value of declared('font-weight')) state.weights.add(weightOf(value, inherited.weights))
  for (const value of declared('font-style')) state.styles.add(/italic|oblique/.test(value) ? 'italic' : 'normal')
  for (const value of declared('text-transform')) state.transforms.add(value.trim())
  if (state.families.length === 0) state.families = inherited.families
  if (state.weights.size === 0) state.weights = inherited.weights
  if (state.styles.size === 0) state.styles = inherited.styles
  if (state.transforms.size === 0) state.transforms = inherited.transforms
  return state
}

function weightOf(value: string, inherited: Set<number>): number {
  const keyword = value.trim()
  if (keyword === 'bold') return 700
  if (keyword === 'bolder') return Math.max(...inherited) >= 550 ? 900 : 700
  if (keyword === 'lighter') return Math.min(...inherited) >= 750 ? 700 : 400
  const number = Number.parseInt(keyword, 10)
  return Number.isFinite(number) ? number : 400
}

/** `font: [style] [weight] size[/line-height] family, …`, after `var()`s are resolved. */
function parseFont(value: string): { family: string[]; weight?: number; style?: 'normal' | 'italic' } | undefined {
  const match = /^((?:(?:normal|italic|oblique|small-caps|bold|bolder|lighter|\d{3}|(?:semi-|extra-|ultra-)?(?:condensed|expanded))\s+)*)(\S+)\s+(.+)$/.exec(value.trim())
  if (!match) return undefined
  const words = match[1].split(/\s+/).filter(Boolean)
  const weight = words.find((word) => /^(bold|bolder|lighter|\d{3})$/.test(word))
  return {
    family: familyList(match[3]),
    weight: weight ? weightOf(weight, new Set([400])) : undefined,
    style: words.some((word) => word === 'italic' || word === 'oblique') ? 'italic' : undefined
  }
}

function familyList(value: string): string[] {
  return value.split(',').map((name) => name.trim().replace(/^["']|["']$/g, ''))
}

/** Every value a `var()` may take, each custom property being the union of its declarations. */
function resolve(value: string, variables: Map<string, string[]>, depth = 0): string[] {
  const use = /var\(\s*(--[\w-]+)\s*(?:,\s*([^()]*))?\)/.exec(value)
  if (!use || depth > 8) return [value]
  const options = variables.get(use[1]) ?? (use[2] !== undefined ? [use[2]] : [''])
  return options.flatMap((option) => resolve(value.replace(use[0], option), variables, depth + 1))
}

function customProperties(rules: Rule[]): Map<string, string[]> {
  const variables = new Map<string, string[]>()
  for (const rule of rules) for (const [property, value] of rule.declarations) if (property.startsWith('--')) variables.set(property, [...(variables.get(property) ?? []), value.trim()])
  return variables
}

/**
 * Rules by what their selectors' subjects require (an id, a class, a tag,
 * or nothing), as a browser's rule hash: an element is tested only against
 * the rules that could select it, in the stylesheet's order.
 */
function ruleIndex(rules: Rule[]) {
  const buckets = new Map<string, Rule[]>()
  for (const rule of rules) {
    for (const key of new Set(rule.selectors.map((selector) => selector.key))) {
      const bucket = buckets.get(key) ?? []
      if (bucket[bucket.length - 1] !== rule) bucket.push(rule)
      buckets.set(key, bucket)
    }
  }
  const any = buckets.get('*') ?? []
  return {
    candidates(element: Element): Rule[] {
      const className = element.properties.className
      const keys = [`<${element.tagName}`, ...(typeof element.properties.id === 'string' ? [`#${element.properties.id}`] : []), ...(Array.isArray(className) ? className.map((name) => `.${name}`) : [])]
      const found = keys.flatMap((key) => buckets.get(key) ?? [])
      if (found.length === 0) return any
      return [...new Set([...any, ...found])].sort((a, b) => a.order - b.order)
    }
  }
}

/**
 * Whether a selector selects the element (`pseudo` false) or generated
 * content of it (`pseudo` true: `::marker`, `::before`, `::after`), given
 * its ancestors, nearest last. States a static page does not have
 * (`:hover`, `:focus`) are taken as holding, sibling conditions (`+`, `~`)
 * too, and a compound the matcher does not know matches.
 */
function selects(selector: Selector, element: Element, ancestors: Element[], pseudo: boolean): boolean {
  if (selector.generated !== pseudo || !selector.subject(element)) return false
  const compounds = selector.compounds
  if (!compoundMatches(compounds[compounds.length - 1].compound, element)) return false
  // From the element outward: `>` wants the parent, a space any ancestor.
  const outward = (index: number, depth: number): boolean => {
    if (index < 0) return true
    const { compound, combinator } = compounds[index]
    if (combinator === 'sibling') return outward(index - 1, depth)
    if (combinator === 'child') return depth >= 0 && compoundMatches(compound, ancestors[depth]) && outward(index - 1, depth - 1)
    for (let at = depth; at >= 0; at--) if (compoundMatches(compound, ancestors[at]) && outward(index - 1, at - 1)) return true
    return false
  }
  return outward(compounds.length - 2, ancestors.length - 1)
}

function compoundMatches(compound: string, element: Element): boolean {
  let test = compiledCompounds.get(compound)
  if (!test) {
    test = compileCompound(compound)
    compiledCompounds.set(compound, test)
  }
  return test(element)
}

const compiledCompounds = new Map<string, (element: Element) => boolean>()

/**
 * A compound selector as a test: tag, classes, id and attributes are
 * checked directly; one with a pseudo-class (`:lang()`, `:first-child`)
 * goes to hast-util-select, and one that cannot be read matches.
 */
function compileCompound(compound: string): (element: Element) => boolean {
  // Asked again for each descendant of an element: each answer is kept.
  const answers = new WeakMap<Element, boolean>()
  const general = (element: Element) => {
    let answer = answers.get(element)
    if (answer === undefined) {
      try {
        answer = matches(compound, element)
      } catch {
        answer = true
      }
      answers.set(element, answer)
    }
    return answer
  }
  const language = /^:lang\(\s*([\w-]+)\s*\)$/i.exec(compound)?.[1].toLowerCase()
  if (language) {
    // The element's own `lang`, as hast-util-select reads it for one element.
    return (element) => {
      const lang = element.properties.lang
      return typeof lang === 'string' && (lang.toLowerCase() === language || lang.toLowerCase().startsWith(`${language}-`))
    }
  }
  const parts = /^([a-z][\w-]*|\*)?((?:\.[\w-]+|#[\w-]+|\[[^\]]+\])*)$/i.exec(compound)
  if (!parts) return general
  const tag = parts[1] && parts[1] !== '*' ? parts[1].toLowerCase() : undefined
  const classes = [...parts[2].matchAll(/\.([\w-]+)/g)].map((match) => match[1])
  const id = /#([\w-]+)/.exec(parts[2])?.[1]
  const attributes = [...parts[2].matchAll(/\[([^\]]+)\]/g)].map((match) => match[1])
  if (attributes.length > 0) return general
  return (element) => {
    if (tag && element.tagName !== tag) return false
    if (id !== undefined && element.properties.id !== id) return false
    const className = element.properties.className
    return classes.every((name) => Array.isArray(className) && className.includes(name))
  }
}

/** A selector ready to match: its compounds without pseudo-elements and states, and a quick test of the last. */
interface Selector {
  text: string
  generated: boolean
  /** Each compound with how it relates to the next one to its right. */
  compounds: Array<{ compound: string; combinator: 'descendant' | 'child' | 'sibling' }>
  /** Whether the element has the tag, classes and id the last compound names (necessary, not sufficient). */
  subject(element: Element): boolean
  /** What the subject requires most narrowly, for `ruleIndex`: `#id`, `.class`, `<tag`, or `*`. */
  key: string
}

function prepareSelector(text: string): Selector {
  const plain = text.replace(/::?(?:marker|before|after|first-line|first-letter|selection|placeholder)\b/g, '').replace(/:(?:hover|focus|focus-visible|focus-within|active|visited|link|target)\b/g, '').trim() || '*'
  const tokens = plain.replace(/\s*([>+~])\s*/g, ' $1 ').split(/\s+/).filter(Boolean)
  const compounds: Selector['compounds'] = []
  for (let index = 0; index < tokens.length; index++) {
    if (['>', '+', '~'].includes(tokens[index])) continue
    const next = tokens[index + 1]
    compounds.push({ compound: tokens[index] || '*', combinator: next === '>' ? 'child' : next === '+' || next === '~' ? 'sibling' : 'descendant' })
  }
  const last = (compounds[compounds.length - 1]?.compound ?? '*').replace(/\[[^\]]*\]|:[\w-]+(\([^)]*\))?/g, '')
  const tag = /^[a-z][\w-]*/i.exec(last)?.[0]?.toLowerCase()
  const classes = [...last.matchAll(/\.([\w-]+)/g)].map((match) => match[1])
  const id = /#([\w-]+)/.exec(last)?.[1]
  return {
    text,
    key: id ? `#${id}` : classes.length > 0 ? `.${classes[0]}` : tag ? `<${tag}` : '*',
    generated: /::?(?:marker|before|after)\b/.test(text),
    compounds: compounds.length > 0 ? compounds : [{ compound: '*', combinator: 'descendant' }],
    subject(element) {
      if (tag && element.tagName !== tag) return false
      if (id && element.properties.id !== id) return false
      const className = element.properties.className
      return classes.every((name) => Array.isArray(className) && className.includes(name))
    }
  }
}

/**
 * A stylesheet's style rules, with those inside `@media` and `@supports`
 * as if their condition held, and a page's margin boxes as content after
 * the root element; `@font-face` and other at-rules are left out.
 */
function parseRules(css: string): Rule[] {
  const text = css.replace(/\/\*[\s\S]*?\*\//g, '')
  const rules: Rule[] = []
  let index = 0
  const parseBlock = (end: number) => {
    while (index < end) {
      const open = text.indexOf('{', index)
      if (open < 0 || open >= end) return
      const prelude = text.slice(index, open).trim()
      const close = matchingBrace(text, open)
      if (/^@(media|supports|layer)\b/.test(prelude)) {
        index = open + 1
        parseBlock(close)
      } else if (prelude.startsWith('@page')) {
        // A page's margin boxes (`@bottom-center { content: counter(page) }`): text generated on the page, as if after the root.
        for (const box of text.slice(open + 1, close).matchAll(/@[\w-]+\s*\{([^{}]*)\}/g)) rules.push({ order: rules.length, selectors: [prepareSelector('html::after')], declarations: declarations(box[1]) })
      } else if (!prelude.startsWith('@')) {
        rules.push({ order: rules.length, selectors: prelude.split(',').map((selector) => selector.trim()).filter(Boolean).map(prepareSelector), declarations: declarations(text.slice(open + 1, close)) })
      }
      index = close + 1
    }
  }
  parseBlock(text.length)
  return rules
}

function matchingBrace(text: string, open: number): number {
  let depth = 0
  for (let index = open; index < text.length; index++) {
    if (text[index] === '{') depth++
    else if (text[index] === '}' && --depth === 0) return index
  }
  return text.length
}

function declarations(block: string): Array<[string, string]> {
  return block
    .split(';')
    .map((declaration) => declaration.split(/:(.*)/s))
    .filter((parts) => parts.length >= 2 && parts[0].trim())
    .map(([property, value]) => [property.trim().toLowerCase(), value.replace(/!important/, '').trim()])
}

/**
 * The face a browser picks for a weight and style among a family's
 * declared faces (CSS Fonts 4, §5.2): italic falls back to upright; a
 * weight from 400 to 500 looks up to 500, then down, then up; below 400
 * down, then up; above 500 up, then down.
 */
function matchFace(faces: DeclaredFace[], weight: number, style: 'normal' | 'italic'): DeclaredFace | undefined {
  const styled = faces.filter((face) => face.style === style)
  const candidates = styled.length > 0 ? styled : faces.filter((face) => face.style !== style)
  if (candidates.length === 0) return undefined
  const exact = candidates.find((face) => face.weight === weight)
  if (exact) return exact
  const up = candidates.filter((face) => face.weight > weight).sort((a, b) => a.weight - b.weight)
  const down = candidates.filter((face) => face.weight < weight).sort((a, b) => b.weight - a.weight)
  if (weight >= 400 && weight <= 500) return up.find((face) => face.weight <= 500) ?? down[0] ?? up[0]
  return weight < 400 ? (down[0] ?? up[0]) : (up[0] ?? down[0])
}
