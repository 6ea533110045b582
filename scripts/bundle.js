// Second half of `npm run build`: bundles what tsc emitted into dist/bundle/ and writes oclif.manifest.json. Measured
// reasons in bench/README.md ("Start-up").
// - dist/bundle/cli.js (what bin/run.js runs) is dist/cli.js with everything it imports, @oclif/core and its
//   dependencies included: a start-up that resolved, read and compiled about 200 files (most of them @oclif/core,
//   semver and minimatch, CommonJS) reads about 15. Every import() stays a lazy chunk of its own.
// - dist/bundle/commands/ holds one entry per command (package.json's oclif.commands.target, oclif's "pattern"
//   strategy): they share the chunks of cli.js (one @oclif/core), and a run imports its own command's module only.
// - oclif.manifest.json describes every command (flags, args, help texts, module), so that oclif lists them and prints
//   help without loading them; oclif trusts it while its version is the package's, so every build writes it anew.
// - The AWS SDK is bundled too, from its ES modules (`mainFields`: each @aws-sdk/@smithy package's "module" build;
//   packages with an "exports" map resolve through it as before), tree-shaken to the commands sageform sends, in lazy
//   chunks that only code talking to AWS imports. Loading the SageMaker client and sending one call costs ~80 ms of CPU
//   instead of ~135 ms (required from node_modules, the 800 kB CommonJS bundle of every SageMaker command is compiled);
//   on the refresh worker's critical path that is plan / ideal 1.20 → 1.12 (bench/README.md, "Refresh").
// Kept out of the bundle, loaded from node_modules when needed as before:
// - ink/react (lazy, and the lazy-view test's hook must see them resolved from node_modules),
// - the WASM packages, which find their .wasm files beside their own modules,
// - typescript and ts-node, which @oclif/core requires only when it runs a TypeScript project in development.
// The chunks sit two folders below the package root, as dist/<layer>/*.js do: util/shipped.ts finds api/ and schemas/
// from there. A command's entry sits deeper, so the build fails if one holds code that finds files from its own URL.
import { Plugin } from '@oclif/core'
import { build } from 'esbuild'
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'

const root = join(import.meta.dirname, '..')
const outdir = join(root, 'dist', 'bundle')
const manifest = join(root, 'oclif.manifest.json')
rmSync(outdir, { recursive: true, force: true })
rmSync(manifest, { force: true })
// One entry per command, where oclif's "pattern" strategy finds it with the manifest: dist/bundle/commands/state/list.js
// for `state list`. A run loads its own command's module only. The commands are those of dist/commands/index.js (the one
// list), each from the module of dist/commands/ whose default export it is.
const commandsDir = join(root, 'dist', 'commands')
const { COMMANDS } = await import(pathToFileURL(join(commandsDir, 'index.js')).href)
const moduleOf = new Map()
for (const file of readdirSync(commandsDir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.js'))) {
  const { default: command } = await import(pathToFileURL(join(commandsDir, file)).href)
  if (command) moduleOf.set(command, join(commandsDir, file))
}
const commandEntries = {}
for (const [id, command] of Object.entries(COMMANDS)) {
  if (!moduleOf.has(command)) throw new Error(`command ${id} of dist/commands/index.js is no module's default export`)
  commandEntries[join('commands', ...id.split(':'))] = moduleOf.get(command)
}
// @oclif/core sorts its commands with localeCompare at every start: the first call loads ICU's collation data, 8–10 ms of
// CPU (bench/README.md, "Start-up"). Command ids are ASCII, for which code-unit order is the same: compare them so. The
// build fails if a new @oclif/core no longer has that line.
const OCLIF_SORT = '.sort((a, b) => a.id.localeCompare(b.id));'
const oclifSort = {
  name: 'oclif-command-sort',
  setup(b) {
    b.onLoad({ filter: /@oclif[\\/]core[\\/]lib[\\/]config[\\/]plugin\.js$/ }, ({ path }) => {
      const text = readFileSync(path, 'utf8')
      if (!text.includes(OCLIF_SORT)) throw new Error(`${path} no longer sorts its commands with ${OCLIF_SORT}: see scripts/bundle.js`)
      return { contents: text.replace(OCLIF_SORT, '.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));'), loader: 'js' }
    })
  },
}
const { metafile } = await build({
  // Worker threads, each found beside the chunk that starts it (as in dist/): parse-worker parses pieces of large
  // configurations (src/config/parse-pieces.ts); api-worker is the refresh's SageMaker client (src/sagemaker/worker-client.ts).
  entryPoints: {
    cli: join(root, 'dist', 'cli.js'),
    'parse-worker': join(root, 'dist', 'config', 'parse-worker.js'),
    'api-worker': join(root, 'dist', 'sagemaker', 'api-worker.js'),
    ...commandEntries,
  },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.12',
  chunkNames: '[name]-[hash]',
  mainFields: ['module', 'main'],
  external: ['ink', 'react', 'react/*', 'web-tree-sitter', '@tree-sitter-grammars/*', '@cdktn/*', 'typescript', 'ts-node'],
  // The CommonJS code in the bundle (@oclif/core and its dependencies) calls require() for node's own modules.
  banner: { js: "import { createRequire as __sageformRequire } from 'node:module'; const require = __sageformRequire(import.meta.url);" },
  logLevel: 'warning',
  plugins: [oclifSort],
  metafile: true,
  absWorkingDir: root,
})
const BANNER_URL = /__sageformRequire\(import\.meta\.url\)/g
for (const file of Object.keys(metafile.outputs).filter((f) => f.includes('/commands/'))) {
  if (readFileSync(join(root, file), 'utf8').replace(BANNER_URL, '').includes('import.meta')) throw new Error(`${file} locates something from its own URL; move that code out of the command's module`)
}
// What `oclif manifest` writes, from the commands just bundled.
const plugin = new Plugin({ root, type: 'core', isRoot: true, ignoreManifest: true, errorOnManifestCreate: true, respectNoCacheDefault: true })
await plugin.load()
const found = Object.keys(plugin.manifest.commands).sort().join(', ')
const listed = Object.keys(COMMANDS).sort().join(', ')
if (found !== listed) throw new Error(`oclif finds the commands ${found} in dist/bundle/commands/, dist/commands/index.js lists ${listed}`)
writeFileSync(manifest, JSON.stringify(plugin.manifest, null, 2) + '\n')
