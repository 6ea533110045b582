// A fault-injecting HTTP proxy in front of the local endpoint: each request is passed on, refused with an AWS-style
// JSON error, left hanging (the socket stays open, no reply), or held and passed on later, by the operation its
// X-Amz-Target names. Real sockets,
// so the CLI's real SDK client sees exactly what a failing or hanging service would send.
import { request, type IncomingMessage, type ServerResponse } from 'node:http'
import { startHttpServer } from './http-server.js'

export type Fault = { kind: 'hang' } | { kind: 'hold' } | { kind: 'error'; status: number; code: string; message: string }

export interface FaultProxy {
  url: string
  /** The fault for an operation (e.g. StopTrainingJob), or none to pass it on. */
  set(operation: string, fault: Fault | undefined): void
  /** Requests received per operation, faulted ones included. */
  counts(): Record<string, number>
  /** Resolves once `operation` has been received `times` times. */
  received(operation: string, times?: number): Promise<void>
  /** Passes on every request held so far (fault `hold`) and stops holding `operation`. */
  release(operation: string): void
  close(): Promise<void>
}

export const refuse = (code: string, message: string, status = 400): Fault => ({ kind: 'error', status, code, message })

export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const faults = new Map<string, Fault>()
  const counts: Record<string, number> = {}
  const waiters: Array<{ operation: string; times: number; resolve: () => void }> = []
  const held: Array<{ operation: string; forward: () => void }> = []
  const upstream = new URL(target)

  const serve = (req: IncomingMessage, res: ServerResponse, body: Buffer) => {
    const target = String(req.headers['x-amz-target'] ?? '')
    const operation = target.slice(target.lastIndexOf('.') + 1)
    counts[operation] = (counts[operation] ?? 0) + 1
    for (const w of waiters.filter((w) => w.operation === operation && counts[operation]! >= w.times)) {
      waiters.splice(waiters.indexOf(w), 1)
      w.resolve()
    }
    const fault = faults.get(operation)
    if (fault?.kind === 'hang') return
    if (fault?.kind === 'hold') {
      held.push({ operation, forward: () => forward(req, res, body) })
      return
    }
    if (fault?.kind === 'error') {
      res.writeHead(fault.status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': 'fault-proxy' })
      res.end(JSON.stringify({ __type: fault.code, message: fault.message }))
      return
    }
    forward(req, res, body)
  }

  const forward = (req: IncomingMessage, res: ServerResponse, body: Buffer) => {
    const forwarded = request(
      { host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: { ...req.headers, host: upstream.host } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(res)
      },
    )
    forwarded.on('error', () => res.destroy())
    forwarded.end(body)
  }

  const server = await startHttpServer(serve)
  return {
    url: server.url,
    set: (operation, fault) => (fault ? faults.set(operation, fault) : faults.delete(operation)),
    counts: () => ({ ...counts }),
    release: (operation) => {
      faults.delete(operation)
      for (const h of held.filter((h) => h.operation === operation)) {
        held.splice(held.indexOf(h), 1)
        h.forward()
      }
    },
    received: (operation, times = 1) => ((counts[operation] ?? 0) >= times ? Promise.resolve() : new Promise((resolve) => waiters.push({ operation, times, resolve }))),
    close: server.close,
  }
}
