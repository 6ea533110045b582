// `NODE_OPTIONS=--import=<this file>`: node loads it in every thread of the process. In a worker thread it lets tests
// see what the worker does, or breaks it to see what the main thread does then:
// - SAGEFORM_TEST_WORKER_LOG=FILE: each message the worker posts adds a line to FILE: the kind of answer (value, error
//   or failure) and, for an error, its code;
// - SAGEFORM_TEST_WORKER_FAULT=start: the worker throws before its own module runs (it never answers);
// - SAGEFORM_TEST_WORKER_FAULT=request: the worker exits when the first request reaches it (its prefetched calls may
//   already be under way: the message telling it what to prefetch is not a request).
import { appendFileSync } from 'node:fs'
import { isMainThread, parentPort } from 'node:worker_threads'

if (!isMainThread && parentPort) {
  const { SAGEFORM_TEST_WORKER_FAULT: fault, SAGEFORM_TEST_WORKER_LOG: log } = process.env
  if (fault === 'start') throw new Error('broken by test/helpers/worker-hook.mjs')
  if (fault === 'request') parentPort.on('message', (message) => message && 'method' in message && process.exit(7))
  if (log) {
    const post = parentPort.postMessage.bind(parentPort)
    parentPort.postMessage = (message, transfer) => {
      const kind = ['value', 'error', 'failure'].find((k) => message && k in message) ?? 'other'
      appendFileSync(log, `${kind}${kind === 'error' ? ` ${message.error.code}` : ''}\n`)
      return post(message, transfer)
    }
  }
}
