// Second half of `npm run build`: bundles what tsc emitted (dist/cli.js and everything it imports, @oclif/core and its
// dependencies included) into dist/bundle/, which bin/run.js runs. A start-up that resolved, read and compiled about
// 200 files (most of them @oclif/core, semver and minimatch, CommonJS) now reads about 15 (bench/README.md, "start-up").
// Every import() stays a lazy chunk of its own. Kept out of the bundle, loaded from node_modules when needed as before:
// - the AWS SDK and ink/react (lazy, and the lazy-view test's hook must see ink/react resolved from node_modules),
// - the WASM packages, which find their .wasm files beside their own modules,
// - typescript and ts-node, which @oclif/core requires only when it runs a TypeScript project in development.
// The chunks sit two folders below the package root, as dist/<layer>/*.js do: util/shipped.ts finds api/ and schemas/
// from there.
import { build } from 'esbuild'
import { rmSync } from 'node:fs'
import { join } from 'node:path'

const root = join(import.meta.dirname, '..')
const outdir = join(root, 'dist', 'bundle')
rmSync(outdir, { recursive: true, force: true })
await build({
  entryPoints: [join(root, 'dist', 'cli.js')],
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
