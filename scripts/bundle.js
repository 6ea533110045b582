// Second half of `npm run build`: bundles what tsc emitted into dist/bundle/ and writes oclif.manifest.json. Measured
// reasons in bench/README.md ("Start-up").
// - dist/bundle/cli.js (what bin/run.js runs) is dist/cli.js with everything it imports, @oclif/core and its
//   dependencies included: a start-up that resolved, read and compiled about 200 files (most of them @oclif/core,
//   semver and minimatch, CommonJS) reads about 15. Every import() stays a lazy chunk of its own.
// - dist/bundle/commands.js is dist/commands/index.js, package.json's oclif.commands.target: it shares the chunks of
//   cli.js (one @oclif/core), and oclif imports it only to run a command.
// - oclif.manifest.json describes every command (flags, args, help texts), so that oclif lists them and prints help
//   without loading them; oclif trusts it while its version is the package's, so every build writes it anew.
// Kept out of the bundle, loaded from node_modules when needed as before:
// - the AWS SDK and ink/react (lazy, and the lazy-view test's hook must see ink/react resolved from node_modules),
// - the WASM packages, which find their .wasm files beside their own modules,
// - typescript and ts-node, which @oclif/core requires only when it runs a TypeScript project in development.
// The chunks sit two folders below the package root, as dist/<layer>/*.js do: util/shipped.ts finds api/ and schemas/
// from there.
import { Plugin } from '@oclif/core'
import { build } from 'esbuild'
import { rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

const root = join(import.meta.dirname, '..')
const outdir = join(root, 'dist', 'bundle')
const manifest = join(root, 'oclif.manifest.json')
rmSync(outdir, { recursive: true, force: true })
rmSync(manifest, { force: true })
await build({
  entryPoints: { cli: join(root, 'dist', 'cli.js'), commands: join(root, 'dist', 'commands', 'index.js') },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.12',
  chunkNames: '[name]-[hash]',
  external: ['@aws-sdk/*', '@smithy/*', 'ink', 'react', 'react/*', 'web-tree-sitter', '@tree-sitter-grammars/*', '@cdktn/*', 'typescript', 'ts-node'],
  // The CommonJS code in the bundle (@oclif/core and its dependencies) calls require() for node's own modules.
  banner: { js: "import { createRequire as __sageformRequire } from 'node:module'; const require = __sageformRequire(import.meta.url);" },
  logLevel: 'warning',
})
// What `oclif manifest` writes, from the commands just bundled.
const plugin = new Plugin({ root, type: 'core', isRoot: true, ignoreManifest: true, errorOnManifestCreate: true, respectNoCacheDefault: true })
await plugin.load()
writeFileSync(manifest, JSON.stringify(plugin.manifest, null, 2) + '\n')
