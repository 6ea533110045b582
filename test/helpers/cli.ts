// Runs the built CLI (bin/run.js → dist/) as a user would, in a child process.
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Ajv2020 } from 'ajv/dist/2020.js'

export const root = join(import.meta.dirname, '..', '..')

export function sageform(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
  const result = spawnSync(process.execPath, [join(root, 'bin', 'run.js'), ...args], {
    cwd: options.cwd ?? root,
    // plan's price look-up goes to a closed local port and a cache of its own: never the real network.
    env: { ...process.env, NO_COLOR: '1', SAGEFORM_CACHE_DIR: join(tmpdir(), `sageform-test-cache-${process.pid}`), AWS_ENDPOINT_URL_PRICING: 'http://127.0.0.1:9', ...options.env },
    encoding: 'utf8',
  })
  return { status: result.status, stdout: result.stdout, stderr: result.stderr }
}

const ajv = new Ajv2020({ allErrors: true, strict: true })
// Schemas other schemas reference by $ref (apply.json uses plan.json's and watch.json's definitions).
for (const name of ['diagnostic', 'plan', 'watch']) ajv.addSchema(JSON.parse(readFileSync(join(root, 'schemas', `${name}.json`), 'utf8')))

/** Validates a command's --json payload against schemas/<command>.json; returns the errors, if any. */
export function schemaErrors(command: string, payload: unknown): string[] {
  const schema = JSON.parse(readFileSync(join(root, 'schemas', `${command}.json`), 'utf8'))
  const check = ajv.getSchema(schema.$id) ?? ajv.compile(schema)
  return check(payload) ? [] : (check.errors ?? []).map((e) => `${e.instancePath} ${e.message}`)
}
