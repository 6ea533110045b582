// The worker thread's side of worker-client.ts: one SageMaker client over the SDK, built when the main thread says
// how (the SDK loads before that, while the main thread reads the state), the Search calls it is told to prefetch
// started at once, and every request answered with the client's value or its SageMakerError as data. Anything else
// thrown is answered as a failure, by name only: what the worker saw is never printed.
import { parentPort } from 'node:worker_threads'
import { createSageMakerClient } from './client.js'
import { isSageMakerError, type SageMakerApi } from './types.js'
import { callKey, type ApiReply, type ApiRequest, type ApiStart, type ErrorData, type Method } from './worker-client.js'

type Outcome = { value: unknown } | { error: ErrorData } | { failure: string }

const port = parentPort!
let api: SageMakerApi | undefined

function settle(call: Promise<unknown>): Promise<Outcome> {
  return call.then(
    (value) => ({ value }),
    (error: unknown) =>
      isSageMakerError(error)
        ? { error: { code: error.code, message: error.message, retryable: error.retryable, requestId: error.requestId } }
        : { failure: `the SageMaker worker's call failed with ${error instanceof Error ? error.name : typeof error}` },
  )
}

/** Started before anyone asks; each is handed to the first request with the same arguments. */
const prefetched = new Map<string, Promise<Outcome>>()
/** Only the reads of RefreshApi are served. */
const SERVED: ReadonlySet<string> = new Set(['searchByTag', 'describeTrainingJob', 'describeTuningJob', 'listTags'] satisfies Method[])

port.on('message', (message: ApiRequest | ApiStart) => {
  if ('options' in message) {
    const client = (api = createSageMakerClient(message.options))
    for (const { resource, key, value } of message.prefetch) prefetched.set(callKey('searchByTag', [resource, key, value]), settle(client.searchByTag(resource, key, value)))
    return
  }
  const request = message
  const client = api
  if (!client) return reply({ id: request.id, offset: 0, failure: 'the SageMaker worker was asked before it was started' })
  const key = callKey(request.method, request.args)
  let outcome = prefetched.get(key)
  prefetched.delete(key)
  if (!outcome) {
    const method = SERVED.has(request.method) ? (client[request.method] as (...args: unknown[]) => Promise<unknown>) : undefined
    outcome = settle(method ? Promise.resolve().then(() => method.apply(client, request.args)) : Promise.reject(new TypeError(`not served: ${request.method}`)))
  }
  void outcome.then((result) => reply({ id: request.id, offset: client.serviceTime().getTime() - Date.now(), ...result }))
})

function reply(message: ApiReply): void {
  try {
    port.postMessage(message)
  } catch (error) {
    port.postMessage({ id: message.id, offset: message.offset, failure: `the SageMaker worker could not send its answer (${(error as Error).name})` } satisfies ApiReply)
  }
}
