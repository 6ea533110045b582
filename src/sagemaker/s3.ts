// The object store of the `backend "s3"` state, over the AWS SDK v3 S3 client: conditional writes (If-None-Match,
// If-Match) come back as results, not errors, because the state backend decides what a lost race means.
import {
  DeleteObjectCommand,
  GetObjectCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  type S3ClientConfig,
} from '@aws-sdk/client-s3'
import type { ConditionalResult, ObjectStore, StoredObject, WriteCondition } from '../util/object-store.js'
import { clientConfig, errorCode, noCredentialsMessage, type SageMakerClientOptions } from './client.js'
import { bounded, requestTimeoutMs, trackEndpoint, type SendOptions } from './timeouts.js'

export interface S3StoreOptions extends Pick<SageMakerClientOptions, 'region' | 'profile' | 'endpoint' | 'requestTimeoutMs' | 'maxAttempts'> {
  bucket: string
  /** Requests go to <endpoint>/<bucket>/<key> instead of <bucket>.<endpoint>/<key>, as most S3-compatible stores want. */
  usePathStyle?: boolean
}

const NO_S3_REGION_MESSAGE = 'No AWS region for the S3 state backend: set region in the backend "s3" block, or AWS_REGION.'

export function createS3Store(options: S3StoreOptions): ObjectStore {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'
  const config: S3ClientConfig = { ...(clientConfig(options) as S3ClientConfig), forcePathStyle: options.usePathStyle }
  return new S3Store(new S3Client(config), options.bucket, options.profile, options.requestTimeoutMs ?? requestTimeoutMs())
}

class S3Store implements ObjectStore {
  private regionChecked: Promise<void> | undefined
  private readonly endpoint: () => string | undefined

  constructor(
    private readonly sdk: S3Client,
    private readonly bucket: string,
    private readonly profile: string | undefined,
    private readonly timeoutMs: number,
  ) {
    this.endpoint = trackEndpoint(sdk as never)
  }

  describe(key: string): string {
    return `s3://${this.bucket}/${key}`
  }

  async get(key: string): Promise<StoredObject> {
    // The body is read within the call's deadline too: a store that stalls mid-body must not hang the run.
    const out = await this.call('GetObject', key, async (options) => {
      const got = await this.sdk.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }), options)
      return { bytes: Buffer.from((await got.Body?.transformToByteArray()) ?? []), etag: got.ETag ?? '' }
    }, { 404: 'missing' })
    if (out === 'missing') return { found: false }
    return { found: true, ...out }
  }

  async put(key: string, bytes: Buffer, condition?: WriteCondition): Promise<ConditionalResult> {
    const headers = condition === undefined ? {} : 'ifMatch' in condition ? { IfMatch: condition.ifMatch } : { IfNoneMatch: condition.ifNoneMatch }
    const command = new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: bytes, ContentType: 'application/json', ...headers })
    return this.conditional('PutObject', key, (options) => this.sdk.send(command, options))
  }

  delete(key: string, condition?: { ifMatch: string }): Promise<ConditionalResult> {
    return this.conditional('DeleteObject', key, (options) => this.sdk.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key, IfMatch: condition?.ifMatch }), options))
  }

  private async conditional(operation: string, key: string, send: (options: SendOptions) => Promise<unknown>): Promise<ConditionalResult> {
    // A conditional delete of a key already gone answers 404: what the caller wanted is true.
    const out = await this.call(operation, key, send, { 404: 'gone', 409: 'conflict', 412: 'precondition-failed' })
    if (out === 'conflict' || out === 'precondition-failed') return { ok: false, reason: out }
    const etag = typeof out === 'object' && out !== null && 'ETag' in out ? (out as { ETag?: string }).ETag : undefined
    return etag ? { ok: true, etag } : { ok: true }
  }

  /** Sends one request; an S3 error whose HTTP status is in `expected` becomes that value, any other is thrown. */
  private async call<T, E extends string>(operation: string, key: string, send: (options: SendOptions) => Promise<T>, expected: Partial<Record<number, E>>): Promise<T | E> {
    await (this.regionChecked ??= this.checkRegion())
    try {
      return await bounded(this.timeoutMs, send, { service: 'S3', operation: `${operation} of ${this.describe(key)}`, endpoint: this.endpoint }, (message) => new RequestTimedOut(message))
    } catch (err) {
      if (err instanceof RequestTimedOut) throw err
      const status = err instanceof S3ServiceException ? err.$metadata.httpStatusCode : undefined
      const known = status === undefined ? undefined : expected[status]
      if (known !== undefined) return known
      throw this.storeError(err, key)
    }
  }

  private async checkRegion(): Promise<void> {
    const region = await this.sdk.config.region().catch(() => undefined)
    if (!region) throw new Error(NO_S3_REGION_MESSAGE)
  }

  private storeError(err: unknown, key: string): Error {
    if (err instanceof Error && err.name === 'CredentialsProviderError') return new Error(noCredentialsMessage(this.profile), { cause: err })
    const status = err instanceof S3ServiceException ? ` (HTTP ${err.$metadata.httpStatusCode})` : ''
    const message = err instanceof Error ? err.message : String(err)
    return new Error(`${this.describe(key)}: ${errorCode(err)}${status}: ${message}`, { cause: err })
  }
}

/** A call to the store ended by its deadline; its message is the whole story, so it is not wrapped again. */
class RequestTimedOut extends Error {
  override readonly name = 'RequestTimedOut'
}
