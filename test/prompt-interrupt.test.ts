// Ctrl-C at apply's confirmation prompt, typed into a real terminal (util-linux `script` gives the CLI a pty): nothing
// is applied, the lock is released, exit 130.
import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startEndpoint, type Endpoint } from '../src/endpoint/server.js'
import { endpointEnv, root } from './helpers/cli.js'
import { TRAINING_BODY } from './helpers/config.js'

describe('Ctrl-C at the confirmation prompt', function () {
  this.slow(10_000)
  let endpoint: Endpoint
  let dir: string
  before(async function () {
    if (spawnSync('script', ['--version']).status !== 0) this.skip() // no util-linux script: no pty to type into
    endpoint = await startEndpoint({ timeScale: 600 })
    dir = mkdtempSync(join(tmpdir(), 'sageform-prompt-'))
    writeFileSync(join(dir, 'main.hcl'), `resource "sagemaker_training_job" "churn" {\n${TRAINING_BODY}}\n`)
  })
  after(async () => {
    await endpoint?.close()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  it('releases the lock, changes nothing and exits 130', async () => {
    const command = `${JSON.stringify(process.execPath)} ${JSON.stringify(join(root, 'bin', 'run.js'))} apply`
    const child = spawn('script', ['-qfec', command, '/dev/null'], { cwd: dir, env: endpointEnv(endpoint.url), stdio: ['pipe', 'pipe', 'pipe'] })
    let screen = ''
    let typed = false
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      screen += chunk
      if (!typed && screen.includes('Enter a value:')) {
        typed = true
        child.stdin.write('\u0003')
      }
    })
    const status = await new Promise<number | null>((resolve) => child.once('close', resolve))
    assert.equal(status, 130, screen)
    assert.match(screen, /Apply cancelled \(interrupted\): nothing was changed, and the lock was released\./)
    assert.ok(!existsSync(join(dir, 'sageform.state.json.lock')))
    assert.deepEqual(readdirSync(dir), ['main.hcl'], 'nothing was applied')
  })
})
