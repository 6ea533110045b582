// sageform fmt against real files: terraform fmt's flags, exit codes and output, and files never half-written.
import assert from 'node:assert/strict'
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, lstatSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { root, sageform, schemaErrors } from './helpers/cli.js'
import { formatManifests } from '../src/services/fmt.js'

const UGLY = 'variable "bucket" {\ntype = string\n  default="acme"\n}\n'
const PRETTY = 'variable "bucket" {\n  type    = string\n  default = "acme"\n}\n'

describe('sageform fmt', () => {
  let dir: string
  const read = (name: string) => readFileSync(join(dir, name), 'utf8')
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sageform-fmt-'))
    writeFileSync(join(dir, 'main.hcl'), UGLY)
    writeFileSync(join(dir, 'ok.hcl'), PRETTY)
    writeFileSync(join(dir, 'prod.vars.hcl'), 'bucket="prod"\n')
    writeFileSync(join(dir, 'notes.txt'), 'a=1\n')
    mkdirSync(join(dir, 'nested'))
    writeFileSync(join(dir, 'nested', 'extra.tf'), 'locals {\nx=1\n}\n')
    mkdirSync(join(dir, '.hidden'))
    writeFileSync(join(dir, '.hidden', 'skip.hcl'), 'a=1\n')
  })
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  it('--check lists the files to format, changes nothing and exits 3; -recursive goes into subdirectories, not hidden ones', () => {
    const check = sageform(['fmt', '-check'], { cwd: dir })
    assert.equal(check.status, 3, check.stderr)
    assert.equal(check.stdout, 'main.hcl\nprod.vars.hcl\n')
    assert.equal(read('main.hcl'), UGLY)
    const recursive = sageform(['fmt', '-check', '-recursive'], { cwd: dir })
    assert.equal(recursive.status, 3)
    assert.equal(recursive.stdout, 'main.hcl\nnested/extra.tf\nprod.vars.hcl\n')
    assert.equal(sageform(['fmt', '--check', 'ok.hcl'], { cwd: dir }).status, 0)
  })

  it('rewrites files in place, keeping their mode, through a symlink onto its target; then --check passes', () => {
    chmodSync(join(dir, 'main.hcl'), 0o640)
    writeFileSync(join(dir, 'target.hcl.src'), 'a=1\n')
    symlinkSync('target.hcl.src', join(dir, 'link.hcl'))
    const run = sageform(['fmt'], { cwd: dir })
    assert.equal(run.status, 0, run.stderr)
    assert.equal(run.stdout, 'link.hcl\nmain.hcl\nprod.vars.hcl\n')
    assert.equal(read('main.hcl'), PRETTY)
    assert.equal(statSync(join(dir, 'main.hcl')).mode & 0o777, 0o640)
    assert.ok(lstatSync(join(dir, 'link.hcl')).isSymbolicLink(), 'the symlink is kept')
    assert.equal(read('target.hcl.src'), 'a = 1\n')
    assert.equal(read('nested/extra.tf'), 'locals {\nx=1\n}\n', 'no -recursive: subdirectories untouched')
    assert.equal(sageform(['fmt', '-check'], { cwd: dir }).status, 0)
    assert.deepEqual(readFileSync(join(dir, 'notes.txt'), 'utf8'), 'a=1\n')
  })

  it('-diff -write=false prints a unified diff and leaves the file alone; -list=false drops the names', () => {
    const run = sageform(['fmt', '-diff', '-write=false', '-list=false', 'main.hcl'], { cwd: dir })
    assert.equal(run.status, 0, run.stderr)
    assert.equal(run.stdout, ['--- old/main.hcl', '+++ new/main.hcl', '@@ -1,4 +1,4 @@', ' variable "bucket" {', '-type = string', '-  default="acme"', '+  type    = string', '+  default = "acme"', ' }', ''].join('\n'))
    assert.equal(read('main.hcl'), UGLY)
  })

  it('reads standard input for "-" and prints the result; with -check it only judges it', () => {
    const run = sageform(['fmt', '-'], { cwd: dir, input: UGLY })
    assert.equal(run.status, 0, run.stderr)
    assert.equal(run.stdout, PRETTY)
    const check = sageform(['fmt', '-check', '-'], { cwd: dir, input: UGLY })
    assert.deepEqual([check.status, check.stdout], [3, '<stdin>\n'])
    assert.equal(sageform(['fmt', '-check', '-'], { cwd: dir, input: PRETTY }).status, 0)
  })

  it('a file that does not parse is reported at file:line:col, left as it is, and exits 2; the others are still formatted', () => {
    const broken = 'resource "x" "y" {\n  a = \n}\n'
    writeFileSync(join(dir, 'broken.hcl'), broken)
    const hex = 'a = 0x10\n'
    writeFileSync(join(dir, 'hex.hcl'), hex)
    const run = sageform(['fmt'], { cwd: dir })
    assert.equal(run.status, 2)
    assert.match(run.stderr, /Error: broken\.hcl:2:\d+: /)
    assert.match(run.stderr, /Error: hex\.hcl:1:6: Missing newline after argument[\s\S]*no hexadecimal, octal or binary literals: write 16/)
    assert.equal(read('broken.hcl'), broken)
    assert.equal(read('hex.hcl'), hex)
    assert.equal(read('main.hcl'), PRETTY)
  })

  it('refuses what it cannot format: a missing path, a file of another kind, a device, stdin mixed with files (exit 2)', async () => {
    const run = sageform(['fmt', 'nope.hcl', 'notes.txt', 'main.hcl'], { cwd: dir })
    assert.equal(run.status, 2, run.stderr)
    assert.match(run.stderr, /There is no file or directory at nope\.hcl[\s\S]*notes\.txt: only \*\.hcl, \*\.tf, \*\.tfvars files are formatted/)
    assert.equal(read('main.hcl'), PRETTY, 'the valid file is still formatted')
    const service = (targets: string[]) => formatManifests({ targets, dir, recursive: false, check: true, diff: false, write: false, readStdin: async () => '' })
    assert.match((await service(['/dev/null'])).diagnostics[0]!.detail!, /not a regular file/)
    assert.match((await service(['-', 'main.hcl'])).diagnostics[0]!.detail!, /cannot be formatted together with files/)
  })

  it('--json matches schemas/fmt.json', () => {
    const run = sageform(['fmt', '-check', '-diff', '--json'], { cwd: dir })
    assert.equal(run.status, 3)
    const payload = JSON.parse(run.stdout)
    assert.deepEqual(schemaErrors('fmt', payload), [])
    assert.deepEqual(payload.files.map((f: { path: string; changed: boolean; written: boolean }) => [f.path, f.changed, f.written]), [['main.hcl', true, false], ['ok.hcl', false, false], ['prod.vars.hcl', true, false]])
    assert.match(payload.files[0].diff, /^--- old\/main\.hcl/)
    const broken = sageform(['fmt', '--json', 'nope.hcl'], { cwd: dir })
    assert.deepEqual(schemaErrors('fmt', JSON.parse(broken.stdout)), [])
  })

  it('the examples are formatted', () => {
    const run = sageform(['fmt', '-check', '-recursive', '-C', join(root, 'examples')])
    assert.equal(run.status, 0, run.stdout + run.stderr)
  })
})
