// Regenerates docs/manifest-reference.md from the API model.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { renderReference } from '../src/model/reference.js'

const docs = join(import.meta.dirname, '..', 'docs')
mkdirSync(docs, { recursive: true })
writeFileSync(join(docs, 'manifest-reference.md'), renderReference() + '\n')
