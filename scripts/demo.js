#!/usr/bin/env node
// The README's first command: starts the embedded SageMaker endpoint, runs `plan` and `apply --auto-approve` on every
// configuration in examples/, waits for the jobs, applies again for jobs that had to wait (a warm start needs its
// parent finished), shows each tuning job's best training job, and stops the endpoint. No AWS account needed.
import { spawn } from 'node:child_process'
import { cpSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startEndpoint } from '../dist/endpoint/server.js'

const root = join(import.meta.dirname, '..')
// One simulated hour per real second: jobs of a few simulated minutes finish in moments.
const endpoint = await startEndpoint({ timeScale: 3600 })
const env = {
  ...process.env,
  AWS_ENDPOINT_URL_SAGEMAKER: endpoint.url,
  AWS_ACCESS_KEY_ID: 'demo',
  AWS_SECRET_ACCESS_KEY: 'demo',
  AWS_REGION: 'us-east-1',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
}
const work = mkdtempSync(join(tmpdir(), 'sageform-demo-'))
let failed = false

/** Runs the CLI without blocking this process, which is also serving the endpoint. */
async function sageform(args, dir) {
  console.log(`\n$ sageform ${args.join(' ')}    # in ${dir}`)
  const child = spawn(process.execPath, [join(root, 'bin', 'run.js'), ...args], { cwd: dir, env, stdio: 'inherit' })
  const code = await new Promise((resolve) => child.on('exit', resolve))
  if (code !== 0) failed = true
  return code
}

function tuningAddresses(dir) {
  const state = JSON.parse(readFileSync(join(dir, 'sageform.state.json'), 'utf8'))
  return Object.entries(state.resources).filter(([, r]) => r.current && r.type === 'sagemaker_hyperparameter_tuning_job').map(([address]) => address)
}

try {
  console.log(`Embedded SageMaker endpoint at ${endpoint.url} (time x3600). Working copies of examples/ in ${work}.`)
  // examples/ci holds CI workflows, not a configuration.
  for (const example of readdirSync(join(root, 'examples'), { withFileTypes: true }).filter((e) => e.isDirectory() && e.name !== 'ci').map((e) => e.name).sort()) {
    const dir = join(work, example)
    cpSync(join(root, 'examples', example), dir, { recursive: true })
    console.log(`\n===== examples/${example} =====`)
    await sageform(['plan'], dir)
    await sageform(['apply', '--auto-approve', '--wait', '--poll-interval', '500ms'], dir)
    // A second apply starts what had to wait (a warm start needs its parent finished); a third records the final
    // statuses and finds nothing left to do.
    await sageform(['apply', '--auto-approve', '--wait', '--poll-interval', '500ms'], dir)
    await sageform(['apply', '--auto-approve'], dir)
    for (const address of tuningAddresses(dir)) await sageform(['results', address], dir)
    await sageform(['state', 'list'], dir)
  }
} finally {
  await endpoint.close()
}
console.log(failed ? '\nThe demo hit an error (see above).' : '\nDemo complete: every example planned, applied and finished on the embedded endpoint.')
process.exit(failed ? 1 : 0)
