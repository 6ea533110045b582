// An S3-compatible bucket over real HTTP, path-style (`/<bucket>/<key>`), for CLI processes using `backend "s3"`:
// GetObject, PutObject and DeleteObject with S3's conditional headers (If-None-Match: *, If-Match), ETags and XML
// errors. A PUT of a key can be held (accepted, not answered) to stand for a state write under way.
import { createHash } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { startHttpServer } from './http-server.js'

export interface S3Bucket {
  url: string
  text(key: string): string | undefined
  /** Holds every PUT of `key` from now on, unanswered; resolves when the first one has arrived. */
  holdPuts(key: string): Promise<void>
  close(): Promise<void>
}

export async function startS3Bucket(bucket: string): Promise<S3Bucket> {
  const objects = new Map<string, { body: string; etag: string }>()
  const held = new Set<string>()
  const arrived = new Map<string, () => void>()

  const error = (res: ServerResponse, status: number, code: string) => {
    res.writeHead(status, { 'content-type': 'application/xml', 'x-amz-request-id': 'TEST' })
    res.end(`<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${code}</Message><RequestId>TEST</RequestId></Error>`)
  }

  const serve = (req: IncomingMessage, res: ServerResponse, bytes: Buffer) => {
    const body = bytes.toString('utf8')
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://bucket').pathname)
    if (!path.startsWith(`/${bucket}/`)) return error(res, 404, 'NoSuchBucket')
    const key = path.slice(bucket.length + 2)
    const existing = objects.get(key)
    if (req.method === 'GET') {
      if (!existing) return error(res, 404, 'NoSuchKey')
      res.writeHead(200, { etag: existing.etag, 'content-type': 'application/json', 'content-length': Buffer.byteLength(existing.body) })
      return res.end(existing.body)
    }
    if (req.method === 'PUT' && held.has(key)) {
      arrived.get(key)?.()
      return
    }
    const ifMatch = req.headers['if-match']
    if (req.headers['if-none-match'] === '*' && existing) return error(res, 412, 'PreconditionFailed')
    if (ifMatch !== undefined && ifMatch !== existing?.etag) return existing ? error(res, 412, 'PreconditionFailed') : error(res, 404, 'NoSuchKey')
    if (req.method === 'DELETE') {
      objects.delete(key)
      res.writeHead(204)
      return res.end()
    }
    if (req.method === 'PUT') {
      const etag = `"${createHash('md5').update(body).digest('hex')}"`
      objects.set(key, { body, etag })
      res.writeHead(200, { etag })
      return res.end()
    }
    error(res, 405, 'MethodNotAllowed')
  }

  const server = await startHttpServer(serve)
  return {
    url: server.url,
    text: (key) => objects.get(key)?.body,
    holdPuts: (key) => {
      held.add(key)
      return new Promise<void>((resolve) => arrived.set(key, resolve))
    },
    close: server.close,
  }
}
