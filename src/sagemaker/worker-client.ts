// The reads of a plan's refresh (RefreshApi) served by a worker thread (api-worker.ts): the worker loads the SDK
// (~0.1 s of synchronous compiling) while this thread does other work (a plan starts it as the process starts:
// services/setup/refresh-worker.ts), then, told the client's options and the Search calls to prefetch once the state
// is read, builds its client and starts them while this thread loads the configuration. Each call made here is
// forwarded and answered as a client of this thread would answer it: the same values, the same SageMakerError (code,
// message, retryable, request ID), the service's clock. A prefetched Search is answered from the call already under
// way, so the calls that reach SageMaker are the ones made here.
// When the worker cannot start, dies, or throws anything but a SageMakerError, every call pending or made later rejects
// with WorkerFailure, and the caller falls back to a client on its own thread. The worker never keeps the process
// alive by itself (it is referenced only while a call waits on it) and dies with the process.
import { Worker } from 'node:worker_threads'
import type { SageMakerClientOptions } from './client.js'
import {
  SageMakerError,
  WorkerFailure,
  type Described,
  type DescribeHyperParameterTuningJobResponse,
  type DescribeTrainingJobResponse,
  type RefreshApi,
  type SearchRecord,
  type SearchResource,
} from './types.js'

/** One searchByTag call, started by the worker as soon as it is told to prefetch it. */
export interface TagSearch {
  resource: SearchResource
  key: string
  value: string
}

export type Method = Exclude<keyof RefreshApi, 'serviceTime'>

export interface ApiRequest {
  id: number
  method: Method
  args: unknown[]
}

/** The client to build, and the calls to start now and hand to the first request with the same arguments. */
export interface ApiStart {
  options: SageMakerClientOptions
  prefetch: TagSearch[]
}

/** A SageMakerError as data: what rebuilds it on this side. */
export interface ErrorData {
  code: string
  message: string
  retryable: boolean
  requestId?: string
}

/** `offset`: the worker client's service time minus its Date.now() when it answered. */
export type ApiReply = { id: number; offset: number } & ({ value: unknown } | { error: ErrorData } | { failure: string })

/** Arguments identifying a call, for matching a request with a prefetched one. */
export function callKey(method: Method, args: readonly unknown[]): string {
  return JSON.stringify([method, ...args])
}

interface Waiting {
  resolve: (value: unknown) => void
  reject: (error: Error) => void
}

export class WorkerClient implements RefreshApi {
  private readonly worker: Worker | undefined
  private readonly waiting = new Map<number, Waiting>()
  private nextId = 0
  private offset = 0
  private failure: WorkerFailure | undefined

  /** The worker starts loading the SDK at once; start() gives it its client. */
  constructor() {
    try {
      this.worker = new Worker(new URL('./api-worker.js', import.meta.url))
    } catch (error) {
      this.failure = new WorkerFailure(`the SageMaker worker did not start: ${(error as Error).message}`)
      return
    }
    this.worker.on('message', (reply: ApiReply) => this.answer(reply))
    // The error itself may hold anything the worker saw: only its name is kept.
    this.worker.on('error', (error) => this.fail(`the SageMaker worker stopped on ${error instanceof Error ? error.name : 'an error'}`))
    this.worker.on('exit', (code) => this.fail(`the SageMaker worker exited (code ${code})`))
    // After the listeners: a 'message' listener refs the worker again.
    this.worker.unref()
  }

  /** Ends the worker and whatever it still does; pending calls reject with WorkerFailure. */
  close(): void {
    this.fail('the SageMaker worker was closed')
    void this.worker?.terminate()
  }

  /**
   * Builds the worker's client from `options` (as createSageMakerClient takes them) and starts the `prefetch` Search
   * calls; a later searchByTag with the same arguments is answered by them. Once, before any call.
   */
  start(options: SageMakerClientOptions, prefetch: TagSearch[]): void {
    if (this.failure) return
    try {
      this.worker!.postMessage({ options, prefetch } satisfies ApiStart)
    } catch (error) {
      this.fail(`the SageMaker worker could not be started (${(error as Error).name})`)
    }
  }

  serviceTime(): Date {
    return new Date(Date.now() + this.offset)
  }

  describeTrainingJob(name: string): Promise<Described<DescribeTrainingJobResponse>> {
    return this.call('describeTrainingJob', [name])
  }

  describeTuningJob(name: string): Promise<Described<DescribeHyperParameterTuningJobResponse>> {
    return this.call('describeTuningJob', [name])
  }

  listTags(arn: string): Promise<Record<string, string>> {
    return this.call('listTags', [arn])
  }

  searchByTag(resource: SearchResource, key: string, value: string): Promise<SearchRecord[]> {
    return this.call('searchByTag', [resource, key, value])
  }

  private call<T>(method: Method, args: unknown[]): Promise<T> {
    if (this.failure) return Promise.reject(this.failure)
    const id = this.nextId++
    const answer = new Promise<T>((resolve, reject) => this.waiting.set(id, { resolve: resolve as (value: unknown) => void, reject }))
    if (this.waiting.size === 1) this.worker!.ref()
    this.worker!.postMessage({ id, method, args } satisfies ApiRequest)
    return answer
  }

  private answer(reply: ApiReply): void {
    const waiting = this.waiting.get(reply.id)
    if (!waiting) return
    this.settled(reply.id)
    this.offset = reply.offset
    if ('value' in reply) waiting.resolve(reply.value)
    else if ('error' in reply) waiting.reject(new SageMakerError(reply.error.code, reply.error.message, { retryable: reply.error.retryable, requestId: reply.error.requestId }))
    else waiting.reject(new WorkerFailure(reply.failure))
  }

  private settled(id: number): void {
    this.waiting.delete(id)
    if (this.waiting.size === 0) this.worker?.unref()
  }

  private fail(why: string): void {
    this.failure ??= new WorkerFailure(why)
    for (const [id, waiting] of this.waiting) {
      this.settled(id)
      waiting.reject(this.failure)
    }
  }
}
