// Runs the built CLI (bin/run.js → dist/) as a user would, in a child process.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { AWS_ENV, endpointAwsEnv } from './aws.js'
import { root } from './schemas.js'

export { root, schemaErrors } from './schemas.js'

const BIN = join(root, 'bin', 'run.js')

/** plan's price look-up: a closed local port and a cache of its own, never the real network. */
const OFFLINE_PRICES = { AWS_ENDPOINT_URL_PRICING: 'http://127.0.0.1:9', SAGEFORM_CACHE_DIR: join(tmpdir(), `sageform-test-cache-${process.pid}`) }

export function sageform(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {}) {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? root,
    input: options.input ?? '',
    env: { ...process.env, NO_COLOR: '1', ...OFFLINE_PRICES, ...options.env },
    encoding: 'utf8',
  })
  return { status: result.status, stdout: result.stdout, stderr: result.stderr }
}

/**
 * The environment of a CLI talking to the local endpoint at `url`: none of the developer's AWS setup (see
 * endpointAwsEnv), no colour, and prices offline. `extra` comes last; an undefined value there removes the variable.
 */
export function endpointEnv(url: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env }
  for (const name of AWS_ENV) delete env[name]
  Object.assign(env, { NO_COLOR: '1', ...endpointAwsEnv(url), ...OFFLINE_PRICES })
  for (const [name, value] of Object.entries(extra)) {
    if (value === undefined) delete env[name]
    else env[name] = value
  }
  return env
}

export interface CliRun {
  status: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
  /** Wall time from spawn to exit. */
  seconds: number
}

/**
 * Starts the CLI without blocking this process, which may be serving the endpoint the CLI talks to (spawnSync would
 * deadlock); `done` resolves once it has exited and its output is all read.
 */
export function startCli(args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): { child: ChildProcess; done: Promise<CliRun> } {
  return startProcess(process.execPath, [BIN, ...args], options)
}

/** Any program, run as startCli runs the CLI (script(1) wrapping it on a pseudo-terminal, say). */
export function startProcess(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): { child: ChildProcess; done: Promise<CliRun> } {
  const started = performance.now()
  const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  const done = new Promise<CliRun>((resolve, reject) => {
    child.once('error', reject)
    child.once('close', (status, signal) => resolve({ status, signal, stdout, stderr, seconds: (performance.now() - started) / 1000 }))
  })
  return { child, done }
}

export function runCli(args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<CliRun> {
  return startCli(args, options).done
}
