// npm run test:e2e: the tests that run the built CLI (dist/) or open sockets. A dist/ older than src/ would test old
// code, so this refuses to start until `npm run build` has run.
const { readdirSync, statSync } = require('node:fs')
const { join } = require('node:path')
const { common, e2e } = require('./suites.cjs')

const root = join(__dirname, '..')
const sources = readdirSync(join(root, 'src'), { recursive: true }).filter((f) => /\.tsx?$/.test(f))
const mtime = (path) => statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? -1
const stale = sources.find((f) => mtime(join(root, 'dist', f.replace(/\.tsx?$/, '.js'))) < mtime(join(root, 'src', f)))
if (stale) {
  process.stderr.write(`dist/ is older than src/${stale}: the end-to-end tests run the built CLI. Run npm run build first.\n`)
  process.exit(1)
}
// bin/run.js runs dist/bundle/ (scripts/bundle.js), built from dist/ after tsc.
const unbundled = sources.find((f) => mtime(join(root, 'dist', 'bundle', 'cli.js')) < mtime(join(root, 'dist', f.replace(/\.tsx?$/, '.js'))))
if (unbundled) {
  process.stderr.write(`dist/bundle/ is older than dist/${unbundled.replace(/\.tsx?$/, '.js')}: the end-to-end tests run the bundle. Run npm run build first.\n`)
  process.exit(1)
}

// In parallel, four files at a time: these tests mostly wait on the processes and sockets they start, so four keep 2
// cores busy (measured in README's Development section); each file runs in its own worker process.
module.exports = { ...common, spec: e2e, parallel: true, jobs: 4 }
