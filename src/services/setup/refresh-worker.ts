// The refresh's worker thread (src/sagemaker/worker-client.ts), started as early as the run knows it will refresh:
// for `plan`, by the process's entry (src/cli.ts) before oclif and the command load; for `apply`, by the command. Its
// start and the SDK's load (~0.2 s of CPU on the second core) then overlap loading the command, its service, the state
// and the configuration, and its Search calls start as soon as the state is read (planService). Measured reasons in
// bench/README.md. This module is kept small: the entry loads it before anything else.
import type { WorkerClient } from '../../sagemaker/worker-client.js'

let early: Promise<WorkerClient | undefined> | undefined

/** Starts this run's refresh worker now (src/cli.ts); the plan takes it with refreshWorker(). */
export function startRefreshWorkerEarly(): void {
  early ??= newWorker()
}

/**
 * This run's refresh worker: the one started early, or a new one. The plan gives it its client options (the flags and
 * the SDK's chain only: the right client only when the provider block changes none of that, providerChangesClient) and
 * closes it when it does not use it. Never rejects: without a worker (its module failed to load) the plan refreshes on
 * its own thread, as it does when the worker fails later.
 */
export function refreshWorker(): Promise<WorkerClient | undefined> {
  const worker = early ?? newWorker()
  early = undefined
  return worker
}

async function newWorker(): Promise<WorkerClient | undefined> {
  try {
    const { WorkerClient } = await import('../../sagemaker/worker-client.js')
    return new WorkerClient()
  } catch {
    return undefined
  }
}
