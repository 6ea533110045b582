import assert from 'node:assert/strict'
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { generatedConfiguration } from '../bench/generate.js'
import { root, sageform, schemaErrors } from './helpers/cli.js'
import { configDir, TRAINING_BODY } from './helpers/config.js'

describe('sageform validate (the real binary)', () => {
  for (const example of readdirSync(join(root, 'examples')).filter((e) => !e.includes('.') && e !== 'ci')) {
    it(`accepts examples/${example} with exit 0`, () => {
      const r = sageform(['validate', '-C', join('examples', example)])
      assert.equal(r.status, 0, r.stdout + r.stderr)
      assert.match(r.stdout, /Success! The configuration is valid/)
    })
  }

  it('reports every problem with file:line:col, exits 1, and shows no stack trace', () => {
    const dir = configDir({ 'main.hcl': `resource "sagemaker_training_job" "x" {\n${TRAINING_BODY.replace('instance_count = 1', 'instance_count = "many"').replace('"File"', '"Files"')}}\n` })
    const r = sageform(['validate', '-C', dir])
    assert.equal(r.status, 1)
    assert.match(r.stdout, /main\.hcl:6:27: Invalid value for algorithm_specification\.training_input_mode/)
    assert.match(r.stdout, /Allowed values: Pipe, File, FastFile/)
    assert.match(r.stdout, /main\.hcl:13:22: Incorrect attribute value type/)
    assert.match(r.stdout, /2 errors/)
    assert.doesNotMatch(r.stdout + r.stderr, /at .*\.js:\d+/)
  })

  it('reports problems in the part of a large configuration a worker thread parses as in a small one', () => {
    // 400 jobs: parsed in pieces on two threads (src/config/parse-pieces.ts); the last job's problems lie in the
    // worker's pieces. A syntax error there makes the file parse whole on the main thread, as before.
    const jobs = generatedConfiguration(400, 'training')
    const last = jobs.lastIndexOf('instance_count    = 1')
    const line = jobs.slice(0, last).split('\n').length
    const column = 'instance_count    = '.length + 5
    const invalid = sageform(['validate', '-C', configDir({ 'main.hcl': jobs.slice(0, last) + 'instance_count    = 0' + jobs.slice(last + 21) }), '--json'])
    assert.equal(invalid.status, 1, invalid.stderr)
    assert.deepEqual(
      JSON.parse(invalid.stdout).diagnostics.map((d: { summary: string; range: { start: { line: number; column: number } } }) => [d.summary, d.range.start.line, d.range.start.column]),
      [['No instances to train on', line, column]],
    )
    const broken = sageform(['validate', '-C', configDir({ 'main.hcl': jobs.slice(0, last) + 'instance_count    = = 1' + jobs.slice(last + 21) }), '--json'])
    assert.equal(broken.status, 1, broken.stderr)
    assert.deepEqual(
      JSON.parse(broken.stdout).diagnostics.map((d: { summary: string; range: { start: { line: number; column: number } } }) => [d.summary, d.range.start.line, d.range.start.column]),
      [['Invalid expression', line, column]],
    )
    assert.equal(sageform(['validate', '-C', configDir({ 'main.hcl': jobs })]).status, 0)
  })

  it('prints a --json payload that matches schemas/validate.json, for valid and invalid configurations', () => {
    const ok = sageform(['validate', '-C', 'examples/xgboost-training', '--json'])
    const bad = sageform(['validate', '-C', configDir({ 'main.hcl': 'resource "sagemaker_nope" "x" {}\n' }), '--json'])
    assert.equal(ok.status, 0)
    assert.equal(bad.status, 1)
    for (const r of [ok, bad]) {
      const payload = JSON.parse(r.stdout)
      assert.deepEqual(schemaErrors('validate', payload), [])
    }
    assert.equal(JSON.parse(bad.stdout).diagnostics[0].summary, 'Unsupported resource type')
  })

  it('accepts Terraform spellings: -chdir before the command and single-dash -var', () => {
    const dir = configDir({ 'main.hcl': 'variable "n" {\n  type = number\n}\n' })
    assert.equal(sageform([`-chdir=${dir}`, 'validate', '-var', 'n=3']).status, 0)
    const missing = sageform(['validate', '-C', dir])
    assert.equal(missing.status, 1)
    assert.match(missing.stdout, /No value for required variable/)
  })

  it('reads SAGEFORM_VAR_ environment variables', () => {
    const dir = configDir({ 'main.hcl': 'variable "n" {\n  type = number\n}\n' })
    assert.equal(sageform(['validate', '-C', dir], { env: { SAGEFORM_VAR_n: '4' } }).status, 0)
  })

  it('explains a missing directory in one sentence', () => {
    const r = sageform(['validate', '-C', '/nonexistent/dir'])
    assert.equal(r.status, 1)
    assert.match(r.stdout, /Cannot read configuration directory/)
  })
})
