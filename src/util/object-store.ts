// A key-value object store with conditional writes, as S3 offers: what the remote state backend (src/state) needs and
// the S3 client (src/sagemaker) provides. It lives here, below both, because neither layer may import the other.

export type StoredObject = { found: true; bytes: Buffer; etag: string } | { found: false }

/** `ifNoneMatch: '*'`: create only when the key is absent. `ifMatch`: replace only the version with that ETag. */
export type WriteCondition = { ifNoneMatch: '*' } | { ifMatch: string }

/**
 * precondition-failed: the condition did not hold (HTTP 412). conflict: a concurrent conditional request on the same
 * key won the race (HTTP 409); trying again may succeed.
 */
export type ConditionalResult = { ok: true; etag?: string } | { ok: false; reason: 'precondition-failed' | 'conflict' }

/** Failures other than the results above (access denied, no network after retries) are thrown, with a message for users. */
export interface ObjectStore {
  /** A URL for messages, e.g. s3://bucket/key. */
  describe(key: string): string
  get(key: string): Promise<StoredObject>
  /** On success, the new version's ETag when the store returns one (S3 does). */
  put(key: string, bytes: Buffer, condition?: WriteCondition): Promise<ConditionalResult>
  delete(key: string, condition?: { ifMatch: string }): Promise<ConditionalResult>
}
