import v8 from 'node:v8'

/**
 * V8's flags for a run of dossier, set before any of its code is compiled:
 * V8 keeps its flags in the code it caches, and rejects code cached under
 * others (see `compile-cache.ts`), so they are the same in every run. The
 * command line sets them first thing; `npm run bench` sets them in its
 * in-process rebuilds, to measure what `build --watch` does.
 */
export const v8Flags = [
  // What a build keeps alive is a fraction of what V8 lets the heap grow to
  // before it collects (up to several times the live size): the 100×
  // source's build peaked at 1 GB with about 0.3 GB alive. Collecting once
  // the heap is a third larger than what lived through the last collection
  // held it to 0.66 GB in the same time (V8 marks on the other core, beside
  // the build); a short report's build is no slower. Read by V8 at each
  // collection.
  '--heap-growing-percent=35',
  // V8 optimises a function (TurboFan, on another thread) once it has run
  // a set amount of bytecode; a build of report.md runs for under two
  // seconds, and the optimising of functions that are soon done with took
  // a third of its CPU time (1.1 of 3.0 s), on the core the build's
  // collector and the machine's other work need too. Sixteen times V8's
  // budget (67,584) leaves that to what runs long. Against V8's own budget
  // (medians of alternating runs): every edition of report.md 1.89 →
  // 1.6–1.7 s, its CPU time 2.7 → 1.9–2.0 s; a watch rebuild 35 → 20 ms;
  // the 100× source a tenth slower at most. Four times the budget was
  // between: a watch rebuild 25 ms, a hundred memos 7.8 s against 6.1 s.
  '--interrupt-budget=1081344'
]

/** Set dossier's V8 flags (`v8Flags`) in this process. */
export function useV8Flags(): void {
  v8.setFlagsFromString(v8Flags.join(' '))
}
