// Checks --json payloads against the per-command JSON schemas in schemas/: in-process, for unit and end-to-end tests.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Ajv2020 } from 'ajv/dist/2020.js'

export const root = join(import.meta.dirname, '..', '..')

const ajv = new Ajv2020({ allErrors: true, strict: true })
// Schemas other schemas reference by $ref (apply.json uses plan.json's and watch.json's definitions).
for (const name of ['diagnostic', 'plan', 'watch']) ajv.addSchema(JSON.parse(readFileSync(join(root, 'schemas', `${name}.json`), 'utf8')))

/** Validates a command's --json payload against schemas/<command>.json; returns the errors, if any. */
export function schemaErrors(command: string, payload: unknown): string[] {
  const schema = JSON.parse(readFileSync(join(root, 'schemas', `${command}.json`), 'utf8'))
  const check = ajv.getSchema(schema.$id) ?? ajv.compile(schema)
  return check(payload) ? [] : (check.errors ?? []).map((e) => `${e.instancePath} ${e.message}`)
}
