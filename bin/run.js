#!/usr/bin/env node
// dist/bundle/cli.js is dist/cli.js bundled (scripts/bundle.js): the CLI starts from a handful of files.
import { setFlagsFromString } from 'node:v8'
import { run } from '../dist/bundle/cli.js'

// V8 starts compiling a WASM function with its optimising compiler once the function has run for a "budget" (1.8 M on
// Node 20, 13 M on 22). Parsing even a small configuration spends that in tree-sitter's parser, and the compile then costs
// about 90 ms of CPU, more than the parse itself; HashiCorp's parser (Go compiled to WASM, run for a syntax error's
// message) about 330 ms (bench/README.md, "Start-up"). With this budget a configuration of a few hundred lines parses
// with the baseline code alone; large ones still get the optimised code, when it pays off (and above 200,000 characters
// src/config/parse.ts puts V8's default back before tree-sitter is instantiated). Set after the imports above:
// node compiles its own modules without their code cache once a flag has changed.
setFlagsFromString('--wasm-tiering-budget=1000000000')

await run(process.argv.slice(2))
