#!/usr/bin/env node
// The command line starts here: what must come before any of dossier's
// code is loaded, then the command line itself (`main.ts`).
import { fileURLToPath } from 'node:url'
import { useCompileCache } from './compile-cache.js'
import { useV8Flags } from './v8-flags.js'
import { loadLazily } from './lazy-modules.js'
import { endAtExit } from './end-at-exit.js'

// Both before any of the code they apply to is compiled; the flags first,
// since the code the cache keeps is V8's under them.
useV8Flags()
useCompileCache(fileURLToPath(new URL('../node_modules/.cache/dossier/code/', import.meta.url)), 400)
loadLazily()
endAtExit()

void import('./main.js').then(({ main }) => main())
