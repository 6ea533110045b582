import assert from 'node:assert/strict'
import { hoistGlobalChdir, normalizeTerraformFlags, plansWithRefresh, variableSources } from '../src/commands/args.js'

describe('Terraform-style command lines', () => {
  const flags = new Set(['auto-approve', 'out', 'var', 'var-file', 'chdir', 'json'])

  it('accepts single-dash long flags', () => {
    assert.deepEqual(normalizeTerraformFlags(['-auto-approve', '-out=plan.bin', '-var', 'a=1', '-var-file=x.hcl'], flags), ['--auto-approve', '--out=plan.bin', '--var', 'a=1', '--var-file=x.hcl'])
  })

  it('leaves short flags, unknown words, values and everything after -- alone', () => {
    assert.deepEqual(normalizeTerraformFlags(['-C', 'dir', '-nosuch', '--var', '-x=1', '--', '-out'], flags), ['-C', 'dir', '-nosuch', '--var', '-x=1', '--', '-out'])
  })

  it('tells a plan that will read SageMaker from the words alone (the entry starts its refresh worker on it)', () => {
    for (const argv of [['plan'], ['plan', '--out', 'p.json'], ['-chdir=x', 'plan'], ['plan', '-refresh-only'], ['plan', '--', '--no-refresh']]) assert.equal(plansWithRefresh(argv), true, argv.join(' '))
    for (const argv of [[], ['validate'], ['apply'], ['plan', '--no-refresh'], ['plan', '-refresh=false'], ['plan', '--refresh=false'], ['plan', '-no-refresh'], ['plan', '--help'], ['plan', '-h'], ['help', 'plan']]) assert.equal(plansWithRefresh(argv), false, argv.join(' '))
  })

  it('moves a global -chdir before the command to after it', () => {
    assert.deepEqual(hoistGlobalChdir(['-chdir=examples/a', 'validate', '--json']), ['validate', '--chdir=examples/a', '--json'])
    assert.deepEqual(hoistGlobalChdir(['--chdir', 'x', 'state', 'list']), ['state', 'list', '--chdir=x'])
    assert.deepEqual(hoistGlobalChdir(['validate', '-C', 'x']), ['validate', '-C', 'x'])
  })

  it('keeps --var and --var-file in command-line order', () => {
    const { sources, errors } = variableSources(['--var', 'a=1', '--var-file=f.hcl', '--var=b=x=y'])
    assert.deepEqual(errors, [])
    assert.deepEqual(sources, [
      { kind: 'var', name: 'a', value: '1' },
      { kind: 'var-file', path: 'f.hcl' },
      { kind: 'var', name: 'b', value: 'x=y' },
    ])
    assert.deepEqual(variableSources(['--var', 'novalue']).errors, ['--var "novalue" must look like name=value.'])
  })
})

describe('runtime', () => {
  it(`runs on Node ${process.version} (engines: >= 20.12)`, () => {
    const [major, minor] = process.versions.node.split('.').map(Number) as [number, number]
    assert.ok(major > 20 || (major === 20 && minor >= 12))
  })
})
