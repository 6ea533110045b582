// The README's "try it by hand" lines, run as written by bash in a copy of the repository's examples against a local
// endpoint the lines themselves start. Two things differ from a user's terminal, neither in the lines: `npx sageform`
// runs this checkout's built CLI (npx would otherwise look for the package), and port 4566 becomes a free port, so
// a developer's own endpoint or a parallel run cannot collide with it.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { chmodSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { dirname, join, relative } from 'node:path'
import { endpointEnv, root } from './helpers/cli.js'
import { exampleCopy } from './helpers/examples.js'

/** The shell lines of the first ```sh block after "Then try it by hand". */
export function byHandLines(readme: string): string[] {
  const from = readme.indexOf('Then try it by hand')
  assert.ok(from >= 0, 'README has a "Then try it by hand" section')
  const block = /```sh\n([\s\S]*?)```/.exec(readme.slice(from))
  assert.ok(block, 'a ```sh block follows it')
  return block[1]!.split('\n').filter((line) => line.trim() !== '')
}

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

/** Every file under `dir`, relative to it. */
function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => !e.isDirectory())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort()
}

describe('README: the by-hand steps', function () {
  this.timeout(180_000)

  it('run verbatim against the local endpoint they start, apply the plan they save, and leave nothing in the tree', async () => {
    const repo = dirname(exampleCopy())
    const before = files(repo)
    const shim = join(repo, '..', 'bin')
    const temp = join(repo, '..', 'tmp')
    mkdirSync(shim)
    mkdirSync(temp)
    writeFileSync(join(shim, 'npx'), `#!/bin/sh\n[ "$1" = sageform ] || { echo "unexpected: npx $*" >&2; exit 99; }\nshift\nexec "${process.execPath}" "${join(root, 'bin', 'run.js')}" "$@"\n`)
    chmodSync(join(shim, 'npx'), 0o755)

    const port = await freePort()
    const lines = byHandLines(readFileSync(join(root, 'README.md'), 'utf8')).map((line) => line.replaceAll('4566', String(port)))
    assert.ok(lines.some((line) => /local-endpoint/.test(line) && /&\s*(#.*)?$/.test(line)), 'the lines start the local endpoint in the background')
    // A background server needs a moment to listen; the user's next command comes later than a script's would.
    const ready = `until (exec 3<>/dev/tcp/127.0.0.1/${port}) 2>/dev/null; do sleep 0.1; done`
    const script = ['set -e', "trap 'kill $(jobs -p) 2>/dev/null' EXIT", ...lines.flatMap((line) => (/&\s*(#.*)?$/.test(line) ? [line, ready] : [line]))].join('\n')
    // What the README exports itself is left unset, so the lines have to say it.
    const env = endpointEnv('', { AWS_ENDPOINT_URL_SAGEMAKER: undefined, AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined, AWS_REGION: undefined, PATH: `${shim}:${process.env.PATH}`, TMPDIR: temp })
    const run = spawnSync('bash', ['-c', script], { cwd: repo, env, encoding: 'utf8', timeout: 150_000 })
    const output = `exit ${run.status}\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`
    assert.equal(run.status, 0, output)
    assert.match(run.stdout, /Success! The configuration is valid\./, output)
    assert.match(run.stdout, /Saved the plan to/, output)
    assert.match(run.stdout, /Apply complete!/, output)
    assert.match(run.stdout, /sagemaker_hyperparameter_tuning_job\.reviews_broad\s+reviews-broad-[0-9a-f]{8}\s+InProgress/, output)

    assert.deepEqual(files(repo), before, 'the by-hand steps leave no file in the tree')
    const [work] = readdirSync(temp)
    assert.ok(work, 'mktemp made the working copy under TMPDIR')
    // No backup: the backup is the state from before the run (as Terraform's), and there was none.
    assert.deepEqual(files(join(temp, work)), ['main.hcl', 'plan.json', 'sageform.state.json'])
  })
})
