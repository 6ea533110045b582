// The parse worker (src/config/parse-worker.ts) for tests that run the TypeScript sources: a worker thread does not
// inherit tsx's loader from mocha's --import, so this entry registers it before importing the worker.
import { register } from 'tsx/esm/api'

register()
await import('../../src/config/parse-worker.ts')
