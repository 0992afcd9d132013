#!/usr/bin/env node
// Bundle dist/ from src/ (run by `npm install`, `npm pack` and `npm test`,
// after tsc has checked the types). Loading a few large files is cheaper
// than resolving and reading hundreds of small ones: Node starts the
// command line in a fraction of the time. Each renderer stays a file of its
// own, loaded only when its format is built; code they share goes in
// chunks. Packages that read files beside their own code (pdfmake, fontkit),
// hold native code (resvg) or WebAssembly (subset-font) are loaded from
// node_modules. A few bundled packages get a change that makes them faster
// and leaves what they do as it was (`patches` below).
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { createHash } from 'node:crypto'
import { readFileSync, readdirSync, statSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { build, transform } from 'esbuild'

const root = fileURLToPath(new URL('..', import.meta.url))
const src = path.join(root, 'src')
const renderers = readdirSync(path.join(src, 'render'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => path.join(src, 'render', entry.name, 'index.ts'))

/** A file inside node_modules, by its path there, with either slash. */
const moduleFile = (name) => new RegExp(`[\\\\/]node_modules[\\\\/]${name.split('/').map((part) => part.replaceAll('.', '\\.')).join('[\\\\/]')}$`)

// Changes to bundled packages, each a text replaced in one file: what it
// makes faster, and why the result is the same. A file whose text differs
// (a newer release) is bundled as it is, with a note: it builds the same,
// only slower.
const patches = [
  {
    // When docx lists the pages it laid out (for the Word edition's table
    // of contents), it looks for what it guessed at on each page by
    // scanning everything placed on every page: pages × placements, a
    // quarter of a Word build at 100 copies of the report. This gathers the
    // guesses by page in one pass; what each page lists, and in what
    // order, is unchanged.
    file: moduleFile('docx/dist/layout.mjs'),
    from: 'const guessesOn = (page) => [...new Set(placements.flatMap((placement) => placement.type === "guess" && placement.page === page ? [placement.reason] : []))];',
    to:
      'const guessesByPage = /* dossier: gathered once, not per page */ placements.reduce((pages, placement) => placement.type === "guess" ? pages.set(placement.page, (pages.get(placement.page) ?? new Set()).add(placement.reason)) : pages, new Map()); ' +
      'const guessesOn = (page) => [...(guessesByPage.get(page) ?? [])];'
  },
  {
    // docx's page estimate lays out every paragraph into lines, and keeps
    // them for the passes of one estimate only. Its lines are a function of
    // what they are laid out from: the paragraph as docx reads it (plain
    // data: its runs, their formats and text, tab stops, the mark's font),
    // the widths it is broken at, the document's settings that break lines
    // (default tab stop, break rules, hyphenation, compatibility, East
    // Asian layout) and the faces that measure it. Given a store
    // (`estimatePageNumbersWith({ keptLines })`, kept by those faces; set
    // while the estimate runs, synchronously, so no other estimate sees it), each
    // paragraph's lines are kept there as JSON by the JSON of the rest, and
    // read back from it: an edit leaves most paragraphs as they were, and a
    // paragraph repeated (a running head, a note's text) is laid out once.
    // Lines that JSON would not give back as they are (a number that is not
    // finite, or -0, a field left undefined) are not kept. A paragraph with
    // a page number in it is laid out each time, as docx does.
    file: moduleFile('docx/dist/layout.mjs'),
    from: 'var estimatePageNumbersWith = ({ measureWidth, fonts = [], guess = false }) => {\n\tconst faces = fonts.flatMap(({ data, name }) => readFontFile(data).map((face) => name === void 0 ? face : _objectSpread2(_objectSpread2({}, face), {}, { name })));\n\tconst others = measureWidth ? measurerOf(measureWidth) : DEFAULT_MEASURER;\n\tconst measurer = faces.length === 0 ? others : createFontFileMeasurer(faces, others);\n\treturn Object.assign((document, context) => estimateWith(contentOf(document, context, guess), measurer, guess), { listNumbers: listNumbersOf });\n};',
    to: 'var __dossierKeptLines; /* dossier: the store of the estimate running */\nvar estimatePageNumbersWith = ({ measureWidth, fonts = [], guess = false, keptLines }) => {\n\tconst faces = fonts.flatMap(({ data, name }) => readFontFile(data).map((face) => name === void 0 ? face : _objectSpread2(_objectSpread2({}, face), {}, { name })));\n\tconst others = measureWidth ? measurerOf(measureWidth) : DEFAULT_MEASURER;\n\tconst measurer = faces.length === 0 ? others : createFontFileMeasurer(faces, others);\n\treturn Object.assign((document, context) => {\n\t\tconst before = __dossierKeptLines;\n\t\t__dossierKeptLines = keptLines;\n\t\ttry {\n\t\t\treturn estimateWith(contentOf(document, context, guess), measurer, guess);\n\t\t} finally {\n\t\t\t__dossierKeptLines = before;\n\t\t}\n\t}, { listNumbers: listNumbersOf });\n};'
  },
  {
    // …where each paragraph's lines are looked up first, and kept.
    file: moduleFile('docx/dist/layout.mjs'),
    from: '\t\t/** Its lines as they were laid out at these widths before, or are now */\n\t\tconst kept = () => {\n\t\t\tvar _byParagraph$get, _byWidths$get;\n\t\t\tconst byWidths = (_byParagraph$get = byParagraph.get(paragraph)) !== null && _byParagraph$get !== void 0 ? _byParagraph$get : /* @__PURE__ */ new Map();\n\t\t\tbyParagraph.set(paragraph, byWidths);\n\t\t\tconst laidOut = (_byWidths$get = byWidths.get(key)) !== null && _byWidths$get !== void 0 ? _byWidths$get : layOut();',
    applies: (code) => code.includes('var __dossierKeptLines;') && /^var paginate = \(content, \{[^\n]*guess = false \} = \{\}\) => \{\n[^\n]*\n\tconst \{ [^\n]*defaultTabStop, [^\n]*breakRules, hyphenation, [^\n]*compatibilityMode, [^\n]*feLayout \} = content;$/m.test(code),
    to: '\t\t/** Its lines from the store the estimate was given, by what they are laid out from (dossier) */\n\t\tconst keptLayOut = () => {\n\t\t\tif (__dossierKeptLines === void 0) return layOut();\n\t\t\tconst from = JSON.stringify([paragraph, key, defaultTabStop, breakRules, hyphenation, compatibilityMode, feLayout, guess]);\n\t\t\tconst found = __dossierKeptLines.get(from);\n\t\t\tif (found !== void 0) return JSON.parse(found);\n\t\t\tconst lines = layOut();\n\t\t\tlet same = true;\n\t\t\tconst json = JSON.stringify(lines, (name, value) => {\n\t\t\t\tif (value === void 0 || typeof value === "number" && (!Number.isFinite(value) || Object.is(value, -0))) same = false;\n\t\t\t\treturn value;\n\t\t\t});\n\t\t\tif (same) __dossierKeptLines.set(from, json);\n\t\t\treturn lines;\n\t\t};\n\t\t/** Its lines as they were laid out at these widths before, or are now */\n\t\tconst kept = () => {\n\t\t\tvar _byParagraph$get, _byWidths$get;\n\t\t\tconst byWidths = (_byParagraph$get = byParagraph.get(paragraph)) !== null && _byParagraph$get !== void 0 ? _byParagraph$get : /* @__PURE__ */ new Map();\n\t\t\tbyParagraph.set(paragraph, byWidths);\n\t\t\tconst laidOut = (_byWidths$get = byWidths.get(key)) !== null && _byWidths$get !== void 0 ? _byWidths$get : keptLayOut();'
  },
  {
    // docx is compiled with Babel's helper for object spread (`{ ...line }`),
    // which copies key by key through closures and property descriptors.
    // docx's page layout spreads its state for every word: that helper was
    // a third of a Word build at 100 copies of the report. Babel writes
    // every spread as the helper writing into a fresh object: `{}`, an
    // object literal, or another call's result (`freshTargets`), so writing
    // into it with `Object.assign`, and starting from a clone for `{}`,
    // gives the same object, with one copy of the state a word instead of
    // two. In that file every object is plain data, with no getter, setter
    // or `__proto__` key (`applies`): assigning a key is defining it.
    file: moduleFile('docx/dist/layout.mjs'),
    from: /^function _objectSpread2\(e\) \{\n[\s\S]*?\n\}$/m,
    // It is called with one to four objects (`mostArguments`): named parameters, not
    // `arguments`, let V8 optimise it where it is called.
    applies: (code) => !/(?:[{,]|^)\s*(?:get|set)\s+[\w$]+\s*\(|__proto__/m.test(code) && mostArguments(code, '_objectSpread2(') <= 4 && freshTargets(code),
    to: `function _objectSpread2(e, a, b, c) { /* dossier: writes into its first object, as Babel's helper does; this file's objects are plain data */
\treturn Object.assign(e, a, b, c);
}
function _objectSpreadCopy(a, b, c) { /* dossier: the helper from an empty object, starting from a clone of a */
\treturn b === undefined && c === undefined ? { ...a } : Object.assign({ ...a }, b, c);
}`
  },
  {
    // …and each spread from `{}` starts from the clone (the patch above).
    file: moduleFile('docx/dist/layout.mjs'),
    from: /_objectSpread2\(\{\}, /g,
    applies: (code) => code.includes('function _objectSpreadCopy('),
    to: '_objectSpreadCopy('
  },
  {
    // The layout asks which face sets each run it measures, several times a
    // word, and built a key of the font's name lowercased for every ask.
    // Faces are now kept by the name as written, then bold, then italic:
    // a name written two ways finds the same face either way, as before.
    file: moduleFile('docx/dist/layout.mjs'),
    from: `\tconst faceOf = ({ font = DEFAULT_FONT, bold = false, italic = false }) => {
\t\tconst key = \`\${font.toLowerCase()}|\${bold}|\${italic}\`;
\t\tif (!chosen.has(key)) {
\t\t\tvar _named$find;
\t\t\tconst named = faces.filter((face) => face.name.toLowerCase() === font.toLowerCase() && face.bold === bold);
\t\t\tchosen.set(key, (_named$find = named.find((face) => face.italic === italic)) !== null && _named$find !== void 0 ? _named$find : named[0]);
\t\t}
\t\treturn chosen.get(key);
\t};`,
    to: `\tconst faceOf = ({ font = DEFAULT_FONT, bold = false, italic = false }) => { /* dossier: kept by name as written, bold, italic */
\t\tlet weights = chosen.get(font);
\t\tif (weights === void 0) chosen.set(font, weights = new Map());
\t\tlet styles = weights.get(bold);
\t\tif (styles === void 0) weights.set(bold, styles = new Map());
\t\tif (!styles.has(italic)) {
\t\t\tconst named = faces.filter((face) => face.name.toLowerCase() === font.toLowerCase() && face.bold === bold);
\t\t\tstyles.set(italic, named.find((face) => face.italic === italic) ?? named[0]);
\t\t}
\t\treturn styles.get(italic);
\t};`
  },
  {
    // docx's layout reads each embedded face's pair kerning as the face is
    // opened, every build: each class table of a pair subtable was spread
    // into a map with an entry for every glyph of every range (tens of
    // thousands a face, a tenth of a Word build of report.md). OpenType
    // lists a table's ranges in order of their first glyph, without
    // overlaps: where they are so, a glyph's class is found among them by
    // halving, when a pair is asked for (a table of format 1 is an array
    // by glyph already); a table that is not is read whole, as before.
    // Either way a glyph has the class the map gave it.
    file: moduleFile('docx/dist/layout.mjs'),
    from: `var readClasses = (view, offset) => {
\tconst classes = /* @__PURE__ */ new Map();
\tif (view.getUint16(offset) === 1) {`,
    to: `var readClasses = (view, offset) => { /* dossier: a glyph's class read when asked */
\tif (view.getUint16(offset) === 1) {
\t\tconst first = view.getUint16(offset + 2), count = view.getUint16(offset + 4);
\t\treturn { get: (glyph) => glyph >= first && glyph < first + count ? view.getUint16(offset + 6 + (glyph - first) * 2) : void 0 };
\t}
\tconst count = view.getUint16(offset + 2);
\tlet ordered = true;
\tfor (let index = 0, last = -1; ordered && index < count; index++) {
\t\tconst range = offset + 4 + index * 6;
\t\tordered = view.getUint16(range) > last && view.getUint16(range) <= view.getUint16(range + 2);
\t\tlast = view.getUint16(range + 2);
\t}
\tif (ordered) return { get: (glyph) => {
\t\tfor (let low = 0, high = count - 1; low <= high;) {
\t\t\tconst middle = low + high >> 1;
\t\t\tconst range = offset + 4 + middle * 6;
\t\t\tif (glyph < view.getUint16(range)) high = middle - 1;
\t\t\telse if (glyph > view.getUint16(range + 2)) low = middle + 1;
\t\t\telse return view.getUint16(range + 4);
\t\t}
\t} };
\tconst classes = /* @__PURE__ */ new Map();
\tif (view.getUint16(offset) === 1) {`,
    applies: (code) => (code.match(/readClasses\(/g) ?? []).length === 2 && code.includes('const firstClasses = readClasses(view, offset + view.getUint16(offset + 8));\n\tconst secondClasses = readClasses(view, offset + view.getUint16(offset + 10));') && /firstClasses\.get\(left\)[^\n]*secondClasses\.get\(right\)/.test(code) && !/(?:first|second)Classes\.(?!get\()/.test(code)
  },
  {
    // docx's layout looks for line breaks in each paragraph it measures:
    // it first asks whether any character is past U+02FF (spreading the
    // text into an array of characters), then, when one is (a curly quote
    // will do), makes an object per character saying the language and
    // the wrapping of its piece, lowercasing the piece's language for each.
    // A code unit past U+02FF is there exactly when a code point is (the
    // surrogates of one past U+FFFF are too), and the loop only reads each
    // character's object: one per piece, shared by its characters, says
    // the same. Then, for every character, it tests regular expressions
    // of Unicode properties: whether it extends the one before (a mark, a
    // joiner, a variation selector…) and whether it is East Asian. Each is
    // tested once on the paragraph's text first: where none matches there,
    // none matches any of its characters. About a twentieth of a Word
    // build at 100 copies of the report.
    file: moduleFile('docx/dist/layout.mjs'),
    from: `\tif (!anywhere && ![...text].some((character) => character.codePointAt(0) > 767) && !text.includes("-")) return /* @__PURE__ */ new Set();
\tconst characters = pieces.flatMap(({ text: piece }) => [...piece]);
\tconst runs = pieces.flatMap(({ text: piece, language, eastAsian }) => [...piece].map(() => ({
\t\tlanguage: kinsokuLanguageOf(language),
\t\tanywhere: rules.wordWrap === false && eastAsian === true
\t})));`,
    to: `\tif (!anywhere && !/[^\\0-\\u02FF]/.test(text) && !text.includes("-")) return /* @__PURE__ */ new Set(); /* dossier: one test, no array */
\tconst characters = pieces.flatMap(({ text: piece }) => [...piece]);
\tconst runs = pieces.flatMap(({ text: piece, language, eastAsian }) => { /* dossier: one object per piece, not per character */
\t\tconst run = {
\t\t\tlanguage: kinsokuLanguageOf(language),
\t\t\tanywhere: rules.wordWrap === false && eastAsian === true
\t\t};
\t\treturn [...piece].map(() => run);
\t});
\tconst mayExtend = EXTENDERS.test(text), ideographic = EAST_ASIAN.test(text); /* dossier: tested once on the whole text */`
  },
  {
    // …the characters `isExtender` matches, as one class (see above).
    file: moduleFile('docx/dist/layout.mjs'),
    from: 'var findLineBreaks = (pieces, rules = {}) => {',
    to: 'var EXTENDERS = /[\\p{M}\\u200D\\uFE00-\\uFE0F\\u{1F3FB}-\\u{1F3FF}\\u{E0020}-\\u{E007F}]/u; /* dossier: what isExtender matches */\nvar findLineBreaks = (pieces, rules = {}) => {'
  },
  {
    // …and the loop asks only where the text has any.
    file: moduleFile('docx/dist/layout.mjs'),
    from: '\t\tif (isExtender(after) || joinsNext$1(before) || GLUE.has(before) || GLUE.has(after)) continue;\n\t\tif ((before === ZERO_WIDTH_SPACE || DASHES.has(before) && !/[\\d-]/.test(after) || rules.ideographs !== false && (breaksAround(before) || breaksAround(after))',
    applies: (code) => code.includes('const mayExtend = EXTENDERS.test(text)') && /^var EAST_ASIAN = /m.test(code) && /^var isExtender = \(character\) => \{\n\tconst code = character\.codePointAt\(0\);\n\treturn new RegExp\("\\\\p\{M\}", "u"\)\.test\(character\) \|\| code === 8205 \|\| code >= 65024 && code <= 65039 \|\| code >= 127995 && code <= 127999 \|\| code >= 917536 && code <= 917631;\n\};$/m.test(code),
    to: '\t\tif (mayExtend && isExtender(after) || joinsNext$1(before) || GLUE.has(before) || GLUE.has(after)) continue;\n\t\tif ((before === ZERO_WIDTH_SPACE || DASHES.has(before) && !/[\\d-]/.test(after) || rules.ideographs !== false && ideographic && (breaksAround(before) || breaksAround(after))'
  },
  {
    // …and a copy of what `place` returns is not copied again: `place`
    // returns an object it has just made (the spread above), which nothing
    // else holds. One copy of the line's state less for every word.
    file: moduleFile('docx/dist/layout.mjs'),
    from: /_objectSpreadCopy\(place\(line\)\)/g,
    applies: (code) => code.includes('const place = (state) => _objectSpread2(_objectSpreadCopy(state), {}, {') && (code.match(/_objectSpreadCopy\(place\(line\)\)/g) ?? []).length === 2,
    to: 'place(line)'
  },
  {
    // …nor, at the end of placing a word, the line's state that placing it
    // made: from `place` on, every state `placeWord` gives `line` is an
    // object made there and held nowhere else (`wrap` and `finish` keep
    // copies), and each update's new values are read before it is written.
    file: moduleFile('docx/dist/layout.mjs'),
    from: `\t\t\t\tline = _objectSpread2(_objectSpread2(_objectSpreadCopy(line), snapping && token.type === "word" ? { latin: snapped(line, token.pieces, kernOn(line)).latin } : {}), {}, {
\t\t\t\t\tposition: line.position + tokenWidth,`,
    applies: (code) => code.includes('\t\t\tline = _objectSpread2(place(line), {}, { position: line.position + leadOf(line, skipped || overflows && !squeezed) });'),
    to: `\t\t\t\tline = _objectSpread2(_objectSpread2(line, snapping && token.type === "word" ? { latin: snapped(line, token.pieces, kernOn(line)).latin } : {}), {}, { /* dossier: the state placeWord made */
\t\t\t\t\tposition: line.position + tokenWidth,`
  },
  {
    file: moduleFile('docx/dist/layout.mjs'),
    from: `\t\t\tline = _objectSpread2(_objectSpreadCopy(line), {}, {
\t\t\t\tend: line.position,
\t\t\t\tbetween: line.spaceCount,
\t\t\t\theights: withToken(line.heights, token),`,
    applies: (code) => code.includes('\t\t\tline = _objectSpread2(place(line), {}, { position: line.position + leadOf(line, skipped || overflows && !squeezed) });'),
    to: `\t\t\tline = _objectSpread2(line, {}, { /* dossier: the state placeWord made */
\t\t\t\tend: line.position,
\t\t\t\tbetween: line.spaceCount,
\t\t\t\theights: withToken(line.heights, token),`
  },
  {
    // docx's reader splits each run's text into spans by the font slot of
    // each character (Latin, East Asian, …), rebuilding the array of spans
    // and a span object for every character. This grows the last span in
    // place, one array a run: the spans are the function's own until it
    // returns, and each comes out with the same slot and text.
    file: moduleFile('docx/dist/layout.mjs'),
    from: `\treturn [...text].reduce((all, character) => {
\t\tvar _last$slot;
\t\tconst last = all[all.length - 1];
\t\tconst own = slotOf(character, (_last$slot = last === null || last === void 0 ? void 0 : last.slot) !== null && _last$slot !== void 0 ? _last$slot : "latin", format);
\t\tconst slot = own === "hinted" ? "eastAsian" : own;
\t\treturn (last === null || last === void 0 ? void 0 : last.slot) === slot ? [...all.slice(0, -1), {
\t\t\tslot,
\t\t\ttext: last.text + character
\t\t}] : [...all, {
\t\t\tslot,
\t\t\ttext: character
\t\t}];
\t}, []).flatMap(`,
    to: `\tconst spans = []; /* dossier: one array, the last span grown in place */
\tfor (const character of text) {
\t\tconst last = spans[spans.length - 1];
\t\tconst own = slotOf(character, last === void 0 ? "latin" : last.slot, format);
\t\tconst slot = own === "hinted" ? "eastAsian" : own;
\t\tif (last !== void 0 && last.slot === slot) last.text += character;
\t\telse spans.push({
\t\t\tslot,
\t\t\ttext: character
\t\t});
\t}
\treturn spans.flatMap(`
  },
  {
    // docx drops a format's undefined fields, for every run it reads, by
    // way of an array of entries: the same fields, in the same order, are
    // copied here key by key. No object docx reads has a field named
    // `__proto__`, which an assignment would treat otherwise.
    file: moduleFile('docx/dist/layout.mjs'),
    from: 'var withoutUndefined = (object) => Object.fromEntries(Object.entries(object).filter(([, value]) => value !== void 0));',
    applies: (code) => !code.includes('__proto__'),
    to: `var withoutUndefined = (object) => { /* dossier: no array of entries */
\tconst defined = {};
\tfor (const key of Object.keys(object)) {
\t\tconst value = object[key];
\t\tif (value !== void 0) defined[key] = value;
\t}
\treturn defined;
};`
  },
  {
    // Last of docx's (the patches above read its text as Babel wrote it):
    // Babel writes each regular expression with a Unicode property
    // (`/\p{L}/u`) as `new RegExp("\\p{L}", "u")`, made anew each time
    // it is reached: docx's layout reaches some for every character it
    // measures, a tenth of a Word build at 100 copies. Each is made once,
    // before the file's own code runs. None has the `g` or `y` flag
    // (`hoistRegExps`), so none keeps anything between uses (`lastIndex`).
    file: moduleFile('docx/dist/layout.mjs'),
    rewrite: hoistRegExps
  },
  {
    // commander loads child_process as it starts (5 ms), for subcommands
    // run as programs of their own, which dossier has none of: it is loaded
    // when one is spawned, the only use commander makes of it.
    file: moduleFile('commander/lib/command.js'),
    from: "const childProcess = require('node:child_process');",
    applies: (code) => (code.match(/childProcess\./g) ?? []).length === (code.match(/childProcess\.spawn\(/g) ?? []).length,
    to: "const childProcess = { spawn: (...args) => require('node:child_process').spawn(...args) }; /* dossier: loaded when used */"
  },
  ...['micromark-util-edit-map/index.js', 'micromark-extension-gfm-table/lib/edit-map.js'].map((name) => ({
    // micromark applies its edits to a document's events from the last to
    // the first, keeping what follows each, and then copies all the events
    // before the first edit as well (EditMap#consume), each time a block
    // quote or a list item ends: a cost that grows with the square of the
    // document, 60% of parsing the report copied 100 times. Those events
    // are already in place: without the copy, the same array results.
    file: moduleFile(name),
    from: /\n\s*vecs\.push\(events\.slice\(\)\);\n\s*events\.length = 0;\n/,
    to: '\n'
  })),
  {
    // unist-util-visit-parents names the function it makes for every node
    // it visits (\`node (paragraph)\`), for stack traces: a property
    // definition and a string per node, on every walk of every tree, a
    // twelfth of a web edition's rebuild. Walks go as they did, unnamed.
    file: moduleFile('unist-util-visit-parents/lib/index.js'),
    from: /\n\s*Object\.defineProperty\(visit, 'name', \{\n[^}]*\}\)\n/,
    to: '\n'
  }
]

/** The most arguments any call of `callee` (written `name(`) in `code` passes: commas at the call's own depth, outside strings. */
function mostArguments(code, callee) {
  let most = 0
  for (let at = code.indexOf(callee); at >= 0; at = code.indexOf(callee, at + callee.length)) {
    let depth = 1
    let count = 1
    let quote
    for (let index = at + callee.length; index < code.length && depth > 0; index++) {
      const char = code[index]
      if (quote) {
        if (char === '\\') index++
        else if (char === quote) quote = undefined
      } else if (char === '"' || char === "'" || char === '`') quote = char
      else if ('([{'.includes(char)) depth++
      else if (')]}'.includes(char)) depth--
      else if (char === ',' && depth === 1) count++
    }
    most = Math.max(most, count)
  }
  return most
}

/** True when every call of Babel's spread helper in `code` writes into a fresh object: `{…}` or another call's result. */
function freshTargets(code) {
  return !/(?<!function )_objectSpread2\((?!\{|_objectSpread2\()/.test(code)
}

/**
 * `code` with each `new RegExp("…", "flags")` of two string literals made
 * once, in a variable declared at the top; undefined when any has a flag
 * that keeps state between uses (`g`, `y`).
 */
function hoistRegExps(code) {
  const pattern = /new RegExp\(("(?:[^"\\]|\\.)*"), "([a-z]*)"\)/g
  const calls = [...code.matchAll(pattern)]
  if (calls.length === 0 || calls.some(([, , flags]) => /[gy]/.test(flags))) return undefined
  const names = new Map()
  const hoisted = code.replace(pattern, (call) => {
    if (!names.has(call)) names.set(call, `__dossierRegExp${names.size}`)
    return names.get(call)
  })
  return `${[...names].map(([call, name]) => `var ${name} = /* dossier: made once */ ${call};`).join('\n')}\n${hoisted}`
}

const patching = {
  name: 'patches',
  setup(bundler) {
    for (const file of new Set(patches.map((patch) => patch.file.source))) {
      bundler.onLoad({ filter: new RegExp(file) }, async (args) => {
        let code = await readFile(args.path, 'utf8')
        for (const patch of patches.filter((patch) => patch.file.source === file)) {
          const found = patch.rewrite ? true : typeof patch.from === 'string' ? code.split(patch.from).length === 2 : patch.from.test(code)
          const changed = found && (patch.applies?.(code) ?? true) ? (patch.rewrite?.(code) ?? code.replace(patch.from, patch.to)) : undefined
          if (changed !== undefined) code = changed
          else console.warn(`dossier: ${path.relative(root, args.path)} is not the one dossier knows; a change that makes it faster is left out`)
        }
        return { contents: code, loader: 'js' }
      })
    }
  }
}

await rm(path.join(root, 'dist'), { recursive: true, force: true })
const bundled = await build({
  entryPoints: ['cli.ts', 'compile-cache.ts', 'v8-flags.ts', 'lazy-modules.ts', 'build.ts', 'renderers.ts', 'message.ts', 'preview.ts', 'pipeline.ts'].map((name) => path.join(src, name)).concat(renderers),
  outdir: path.join(root, 'dist'),
  outbase: src,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Chunks sit beside cli.js, so paths relative to a module (`../templates`) hold wherever code lands.
  chunkNames: '[name]-[hash]',
  // chokidar is an ES module only, which `require` cannot load in Node 20: it is bundled.
  external: ['pdfmake', 'pdfkit', 'fontkit', 'subset-font', '@resvg/resvg-js'],
  plugins: [patching],
  write: false,
  logLevel: 'warning'
})

// Each file is then made CommonJS, as esbuild splits only ES modules: Node 20
// keeps the compiled code of CommonJS modules between runs through `vm.Script`
// (src/compile-cache.ts), of ES modules not at all. `import.meta.url` is the
// file's own URL, and a dynamic import is a `require` (a module read from V8's
// cache could not import).
for (const output of bundled.outputFiles) {
  await mkdir(path.dirname(output.path), { recursive: true })
  if (!output.path.endsWith('.js')) {
    await writeFile(output.path, output.contents)
    continue
  }
  const [, shebang = '', code] = /^(#![^\n]*\n)?([\s\S]*)$/.exec(output.text)
  const common = await transform(code, {
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    supported: { 'dynamic-import': false },
    define: { 'import.meta.url': '__dossierModuleUrl' },
    banner: "var __dossierModuleUrl = require('node:url').pathToFileURL(__filename).href;",
    logLevel: 'warning'
  })
  // A module's exports are its own object of getters, one per name, not a
  // copy of it with a getter of each getter (`__toCommonJS`): micromark's
  // tests of each character (`markdownLineEnding`…) are called from other
  // chunks, through that getter, a few million times for a long report.
  const direct = common.code.replace('module.exports = __toCommonJS(stdin_exports);', 'module.exports = __defProp(stdin_exports, "__esModule", { value: true });')
  // All ASCII: a file with one other character is read, kept and hashed
  // as two bytes a character. esbuild writes strings and templates in ASCII
  // already; what is left is in comments and regular expressions, where
  // `\uXXXX` (a surrogate pair beyond U+FFFF) means the same character.
  const ascii = direct.replace(/[^\0-\x7f]/g, (unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`)
  await writeFile(output.path, shebang + ascii, { mode: shebang ? 0o755 : 0o644 })
}
await writeFile(path.join(root, 'dist', 'package.json'), '{ "type": "commonjs" }\n')

// All of dist/ as one key, for what dossier keeps whole between builds (a
// memo's files, `codeVersion` in src/disk-cache.ts): read at run time as one
// small file, not every file of dist/ read and hashed again.
const dist = path.join(root, 'dist')
const version = createHash('sha256')
for (const file of readdirSync(dist, { recursive: true }).map(String).sort()) {
  const full = path.join(dist, file)
  if (statSync(full).isFile()) version.update(`${file.split(path.sep).join('/')}\0`).update(readFileSync(full)).update('\0')
}
await writeFile(path.join(dist, 'code-version'), `${version.digest('hex')}\n`)
