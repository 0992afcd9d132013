#!/usr/bin/env node
// The command line starts here: what must come before any of dossier's
// code is loaded, then the command line itself (`main.ts`).
import v8 from 'node:v8'
import { fileURLToPath } from 'node:url'
import { useCompileCache } from './compile-cache.js'

// What a build keeps alive is a fraction of what V8 lets the heap grow to
// before it collects (up to several times the live size): the 100× source's
// build peaked at 1 GB with about 0.3 GB alive. Collecting once the heap is
// a third larger than what lived through the last collection held it to
// 0.66 GB in the same time (V8 marks on the other core, beside the build);
// a short report's build is no slower. Read by V8 at each collection.
v8.setFlagsFromString('--heap-growing-percent=35')

// Set before any of the code it keeps is compiled: V8 takes its flags into account.
useCompileCache(fileURLToPath(new URL('../node_modules/.cache/dossier/code/', import.meta.url)), 400)

void import('./main.js').then(({ main }) => main())
