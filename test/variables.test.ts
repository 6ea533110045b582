import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { loadModule } from '../src/config/module.js'
import { resolveVariables } from '../src/config/variables.js'
import { configDir } from './helpers/config.js'

async function resolve(main: string, options: Parameters<typeof resolveVariables>[1], files: Record<string, string> = {}) {
  const dir = configDir({ 'main.hcl': main, ...files })
  const { module } = await loadModule(dir)
  return { dir, ...(await resolveVariables(module!, options)) }
}

describe('variables', () => {
  const decl = 'variable "x" {\n  type = string\n  default = "default"\n}\n'

  it('follows Terraform precedence: default < environment < --var-file / --var in command-line order', async () => {
    const dir = configDir({ 'main.hcl': decl })
    writeFileSync(join(dir, 'a.vars.hcl'), 'x = "file-a"\n')
    const { module } = await loadModule(dir)
    const env = { SAGEFORM_VAR_x: 'env' }
    const run = async (sources: Parameters<typeof resolveVariables>[1]['sources']) => (await resolveVariables(module!, { sources, env })).values.x
    assert.equal((await resolveVariables(module!, { sources: [], env: {} })).values.x, 'default')
    assert.equal(await run([]), 'env')
    assert.equal(await run([{ kind: 'var-file', path: join(dir, 'a.vars.hcl') }]), 'file-a')
    assert.equal(await run([{ kind: 'var-file', path: join(dir, 'a.vars.hcl') }, { kind: 'var', name: 'x', value: 'cli' }]), 'cli')
    assert.equal(await run([{ kind: 'var', name: 'x', value: 'cli' }, { kind: 'var-file', path: join(dir, 'a.vars.hcl') }]), 'file-a')
  })

  it('does not treat *.vars.hcl files as configuration', async () => {
    const dir = configDir({ 'main.hcl': decl, 'prod.vars.hcl': 'x = "prod"\n' })
    const { module, diagnostics } = await loadModule(dir)
    assert.deepEqual(diagnostics, [])
    assert.equal(module!.files.length, 1)
  })

  it('parses complex values given on the command line as HCL and converts to the declared type', async () => {
    const r = await resolve('variable "l" {\n  type = list(number)\n}\nvariable "m" {\n  type = map(string)\n}\n', {
      sources: [{ kind: 'var', name: 'l', value: '[1, "2"]' }, { kind: 'var', name: 'm', value: '{ a = 1 }' }],
      env: {},
    })
    assert.deepEqual(r.diagnostics, [])
    assert.deepEqual(r.values.l, [1, 2])
    assert.deepEqual({ ...(r.values.m as object) }, { a: '1' })
  })

  it('refuses a required variable without a value instead of prompting', async () => {
    const r = await resolve('variable "needed" {}\n', { sources: [], env: {} })
    assert.equal(r.diagnostics.length, 1)
    assert.equal(r.diagnostics[0]!.summary, 'No value for required variable')
    assert.match(r.diagnostics[0]!.hint!, /--var needed=VALUE/)
  })

  it('reports a value of the wrong type and an undeclared --var', async () => {
    const r = await resolve('variable "n" {\n  type = number\n}\n', { sources: [{ kind: 'var', name: 'n', value: 'abc' }, { kind: 'var', name: 'nn', value: '1' }], env: {} })
    assert.deepEqual(r.diagnostics.map((d) => d.summary).sort(), ['Invalid value for variable', 'Value for undeclared variable'])
    assert.match(r.diagnostics.find((d) => d.summary === 'Value for undeclared variable')!.hint!, /Did you mean "n"/)
  })

  it('runs validation rules and reports their error message', async () => {
    const r = await resolve('variable "n" {\n  type = number\n  validation {\n    condition = var.n > 0\n    error_message = "n must be positive."\n  }\n}\n', { sources: [{ kind: 'var', name: 'n', value: '-1' }], env: {} })
    assert.equal(r.diagnostics.length, 1)
    assert.equal(r.diagnostics[0]!.detail, 'n must be positive.')
  })
})
