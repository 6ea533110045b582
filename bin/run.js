#!/usr/bin/env node
// dist/bundle/cli.js is dist/cli.js bundled (scripts/bundle.js): the CLI starts from a handful of files.
import { run } from '../dist/bundle/cli.js'

await run(process.argv.slice(2))
