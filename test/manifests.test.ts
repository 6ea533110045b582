// Odd files among and behind the manifests: symbolic links are followed (a broken one is an error at that file, never
// a configuration silently missing its resources), file() reads only regular files up to its limit, and an expression
// nested too deeply is a located error instead of a stack overflow.
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { FILE_SIZE_LIMIT } from '../src/config/functions.js'
import { MAX_NESTING } from '../src/config/parse.js'
import { validate } from '../src/services/validate.js'
import { TRAINING_BODY } from './helpers/config.js'

const resource = (name: string) => `resource "sagemaker_training_job" "${name}" {\n${TRAINING_BODY}}\n`

describe('manifests: symbolic links, file() and nesting', () => {
  let root: string
  let dir: string
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'sageform-manifests-'))
    dir = join(root, 'config')
    mkdirSync(dir)
  })
  afterEach(() => rmSync(root, { recursive: true, force: true }))

  const check = () => validate({ dir, variables: [], env: {} })
  const errors = (result: Awaited<ReturnType<typeof check>>) => result.diagnostics.filter((d) => d.severity === 'error')

  it('follows a symlinked manifest beside a real file', async () => {
    mkdirSync(join(root, 'shared'))
    writeFileSync(join(root, 'shared', 'jobs.hcl'), resource('shared'))
    symlinkSync('../shared/jobs.hcl', join(dir, 'main.hcl'))
    writeFileSync(join(dir, 'local.hcl'), resource('local'))
    const result = await check()
    assert.deepEqual(errors(result), [])
    assert.equal(result.resource_count, 2)
  })

  it('reports a dangling symlink at that file, and plans nothing from a configuration missing it', async () => {
    symlinkSync('../shared/gone.hcl', join(dir, 'main.hcl'))
    writeFileSync(join(dir, 'local.hcl'), resource('local'))
    const result = await check()
    assert.equal(result.valid, false)
    const [error] = errors(result)
    assert.equal(error?.summary, 'Cannot read configuration file')
    assert.match(error?.detail ?? '', /main\.hcl is a symbolic link to a file that does not exist/)
    assert.match(error?.range?.file ?? '', /main\.hcl$/)
  })

  it('skips a symlink to a directory, and refuses a manifest that is a FIFO without blocking on it', async () => {
    mkdirSync(join(root, 'elsewhere.hcl'))
    symlinkSync('../elsewhere.hcl', join(dir, 'dir.hcl'))
    execFileSync('mkfifo', [join(root, 'pipe')])
    symlinkSync('../pipe', join(dir, 'pipe.hcl'))
    writeFileSync(join(dir, 'local.hcl'), resource('local'))
    const result = await check()
    assert.deepEqual(errors(result).map((d) => [d.range?.file.replace(/.*\//, ''), d.detail?.replace(/.*\//, '')]), [['pipe.hcl', 'pipe.hcl is not a regular file.']])
  })

  for (const device of ['/dev/zero', '/dev/urandom']) {
    it(`file("${device}") is a located error, not an endless read`, async () => {
      writeFileSync(join(dir, 'main.hcl'), `locals {\n  data = file("${device}")\n}\noutput "o" { value = local.data }\n`)
      const result = await check()
      const [error] = errors(result)
      assert.match(`${error?.summary}: ${error?.detail}`, new RegExp(`"${device}" is not a regular file`))
      assert.equal(error?.range?.start.line, 2)
    })
  }

  it(`file() refuses a FIFO and a file over ${FILE_SIZE_LIMIT} bytes, and reads one at the limit`, async () => {
    execFileSync('mkfifo', [join(dir, 'pipe')])
    writeFileSync(join(dir, 'big.json'), '')
    truncateSync(join(dir, 'big.json'), FILE_SIZE_LIMIT + 1) // sparse: no disk used
    writeFileSync(join(dir, 'exact.txt'), 'x'.repeat(FILE_SIZE_LIMIT))
    writeFileSync(join(dir, 'main.hcl'), `locals {\n  pipe  = file("pipe")\n  big   = file("big.json")\n  exact = length(file("exact.txt"))\n}\noutput "o" { value = [local.pipe, local.big, local.exact] }\n`)
    const result = await check()
    const found = errors(result).map((d) => [d.range?.start.line, /not a regular file|reads at most/.exec(d.detail ?? d.summary)?.[0]])
    assert.deepEqual(found, [[2, 'not a regular file'], [3, 'reads at most']])
  })

  it(`an expression nested deeper than ${MAX_NESTING} levels is a located error; ${MAX_NESTING} levels are fine`, async () => {
    const nested = (depth: number) => '['.repeat(depth) + '1' + ']'.repeat(depth)
    writeFileSync(join(dir, 'main.hcl'), `locals {\n  ok = ${nested(MAX_NESTING)}\n  sum = ${Array(MAX_NESTING).fill('1').join(' + ')}\n}\n`)
    assert.deepEqual(errors(await check()), [])
    for (const deep of [nested(3000), Array(3000).fill('1').join(' + '), '('.repeat(3000) + '1' + ')'.repeat(3000), 'abs('.repeat(3000) + '1' + ')'.repeat(3000)]) {
      writeFileSync(join(dir, 'main.hcl'), `locals {\n  ok = 1\n  deep = ${deep}\n}\n`)
      const [error] = errors(await check())
      assert.equal(error?.summary, 'Expression nested too deeply', deep.slice(0, 20))
      assert.equal(error?.range?.start.line, 3)
    }
  })
})
