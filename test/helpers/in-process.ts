// The CLI's entry point run in the test's own process: for what oclif does before any command runs (parsing, help), so
// dozens of cases need no child process each.
import { run } from '../../src/cli.js'
import type { CliRun } from './cli.js'

/** Runs the CLI's entry point in this process (oclif parses before any command runs, so nothing else happens). */
export async function runInProcess(argv: string[]): Promise<CliRun> {
  const out: string[] = []
  const err: string[] = []
  const { write: writeOut } = process.stdout
  const { write: writeErr } = process.stderr
  const saved = process.exitCode
  // oclif's flush() leaves a 'drain' listener behind whenever the write it tries completes at once; harmless in a
  // process that runs one command, a leak warning in one that runs seventy.
  const drainListeners = new Set(process.stdout.listeners('drain'))
  process.exitCode = undefined
  process.stdout.write = ((chunk: string | Uint8Array) => (out.push(String(chunk)), true)) as typeof process.stdout.write
  process.stderr.write = ((chunk: string | Uint8Array) => (err.push(String(chunk)), true)) as typeof process.stderr.write
  try {
    await run(argv)
    return { status: Number(process.exitCode ?? 0), signal: null, stdout: out.join(''), stderr: err.join(''), seconds: 0 }
  } finally {
    process.stdout.write = writeOut
    process.stderr.write = writeErr
    process.exitCode = saved
    for (const listener of process.stdout.listeners('drain')) if (!drainListeners.has(listener)) process.stdout.removeListener('drain', listener as () => void)
  }
}
