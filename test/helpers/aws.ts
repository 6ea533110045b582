// The AWS environment of tests that run sageform's SDK clients in this process, and nock playing AWS's JSON services.
import assert from 'node:assert/strict'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import nock from 'nock'

/** Every variable through which the developer's own AWS setup could leak into a test. */
export const AWS_ENV = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_PROFILE',
  'AWS_REGION',
  'AWS_DEFAULT_REGION',
  'AWS_ENDPOINT_URL',
  'AWS_ENDPOINT_URL_SAGEMAKER',
  'AWS_ENDPOINT_URL_CLOUDWATCH_LOGS',
  'AWS_ENDPOINT_URL_PRICING',
  'AWS_ENDPOINT_URL_SERVICE_QUOTAS',
  'AWS_IGNORE_CONFIGURED_ENDPOINT_URLS',
  'AWS_CONFIG_FILE',
  'AWS_SHARED_CREDENTIALS_FILE',
  'AWS_EC2_METADATA_DISABLED',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
  'AWS_MAX_ATTEMPTS',
  'AWS_RETRY_MODE',
]

/** Clears AWS_ENV from process.env and sets `values`; the function returned puts back what was there before. */
export function isolateAwsEnv(values: Record<string, string> = {}): () => void {
  const saved = new Map<string, string | undefined>()
  for (const name of [...AWS_ENV, ...Object.keys(values)]) saved.set(name, process.env[name])
  for (const name of AWS_ENV) delete process.env[name]
  Object.assign(process.env, values)
  return () => {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name]
      else process.env[name] = value
    }
  }
}

/** Mocha hooks: each test of the suite starts with only `values()` of AWS_ENV set, and may change them freely. */
export function isolateAwsEnvPerTest(values: () => Record<string, string>): void {
  let restore: () => void = () => {}
  beforeEach(() => {
    restore = isolateAwsEnv(values())
  })
  afterEach(() => restore())
}

/**
 * Dummy credentials, no instance metadata, and AWS config files in `dir` that do not exist. A suite that writes one
 * there wants a directory of its own: the SDK caches shared config files by path for the life of the process.
 */
export function dummyAwsEnv(dir = join(tmpdir(), 'sageform-test-no-aws')): Record<string, string> {
  return {
    AWS_ACCESS_KEY_ID: 'AKIDTEST',
    AWS_SECRET_ACCESS_KEY: 'secret-test',
    AWS_CONFIG_FILE: join(dir, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
  }
}

/** What sageform needs to talk to a local endpoint at `url` as SageMaker, in us-east-1, with nothing of ~/.aws. */
export function endpointAwsEnv(url: string): Record<string, string> {
  return { ...dummyAwsEnv(), AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL_SAGEMAKER: url }
}

/** Mocha hooks: nock answers every request (a real connection is refused), and a test that leaves a queued reply unused fails. */
export function nockOnly(): void {
  before(() => nock.disableNetConnect())
  afterEach(() => {
    const pending = nock.pendingMocks()
    nock.cleanAll()
    assert.deepEqual(pending, [], 'every queued reply is used')
  })
  after(() => nock.enableNetConnect())
}

/** The headers of a reply in the AWS JSON 1.1 protocol (SageMaker, CloudWatch Logs, the Price List). */
export const AWS_JSON_HEADERS = { 'content-type': 'application/x-amz-json-1.1' }

export type Body = Record<string, unknown>
export type Reply = [status: number, body: object]

/**
 * An AWS JSON 1.1 service over nock. Each `on` queues one interceptor routed by X-Amz-Target (`<prefix>.<op>`, and
 * optionally by body); its body matcher records the request, so `calls` lists exactly what was sent, in order. With
 * nockOnly, a request nothing expects fails.
 */
export class AwsJsonDouble {
  readonly calls: Array<{ op: string; body: Body }> = []
  readonly scope: nock.Scope

  constructor(
    endpoint: string,
    private readonly targetPrefix: string,
  ) {
    this.scope = nock(endpoint)
  }

  on(op: string, reply: Reply | ((body: Body) => Reply), when?: (body: Body) => boolean): this {
    this.scope
      .post('/', (body: Body) => {
        if (when && !when(body)) return false
        this.calls.push({ op, body })
        return true
      })
      .matchHeader('x-amz-target', `${this.targetPrefix}.${op}`)
      .matchHeader('content-type', AWS_JSON_HEADERS['content-type'])
      .reply((_uri, requestBody) => {
        const [status, body] = typeof reply === 'function' ? reply(parse(requestBody)) : reply
        return [status, JSON.stringify(body), AWS_JSON_HEADERS]
      })
    return this
  }

  ops(): string[] {
    return this.calls.map((c) => c.op)
  }

  bodies(op: string): Body[] {
    return this.calls.filter((c) => c.op === op).map((c) => c.body)
  }
}

function parse(body: unknown): Body {
  return (typeof body === 'string' ? JSON.parse(body) : body) as Body
}
