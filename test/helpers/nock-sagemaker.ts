// SageMaker played by nock as a small stateful service: the requests sageform's real client sends (AWS JSON 1.1,
// X-Amz-Target SageMaker.<Operation>) get the answers the real service gives, errors included, so a test can run the
// product's own client against it with no socket. Its behaviour is what the real service documents or was seen to do,
// held against the in-memory fake and the local endpoint by test/contract.test.ts. Time moves only by elapse().
import { createHash } from 'node:crypto'
import nock from 'nock'
import { AWS_JSON_HEADERS, type Body, type Reply } from './aws.js'

type Tag = { Key: string; Value: string }
type Status = 'InProgress' | 'Stopping' | 'Stopped' | 'Completed' | 'Failed'

interface Job {
  name: string
  arn: string
  status: Status
  request: Body
  tags: Tag[]
  created: number
  ended?: number
}

interface TrainingJob extends Job {
  tuningArn?: string
  tuned?: Record<string, string>
}

interface TuningJob extends Job {
  children: string[]
}

const ACCOUNT_ARN = 'arn:aws:sagemaker:us-east-1:123456789012'
/** MaxResults of Search and ListTrainingJobsForHyperParameterTuningJob: 1..100, "The default value is 10" (the latter's). */
const MAX_RESULTS = 100
const DEFAULT_MAX_RESULTS = 10
/** How long a tuning job's training job runs here. */
export const TRAINING_SECONDS = 600

class ServiceFault extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message)
  }
}

const validation = (message: string) => new ServiceFault('ValidationException', message)

export class NockSageMaker {
  /** Operations received, in order. */
  readonly ops: string[] = []
  private readonly training = new Map<string, TrainingJob>()
  private readonly tuning = new Map<string, TuningJob>()
  /** Service time, epoch seconds. */
  private now = 1_795_000_000
  private readonly interceptor: nock.Interceptor

  constructor(readonly endpoint: string) {
    this.interceptor = nock(endpoint).persist().post('/').matchHeader('content-type', AWS_JSON_HEADERS['content-type'])
    const answer = (target: string, body: unknown) => this.answer(target, body)
    // A function, not an arrow: nock hands it the request (and so X-Amz-Target, the operation) as `this.req`.
    this.interceptor.reply(function (_uri, body) {
      const [status, payload] = answer(String(this.req.headers['x-amz-target'] ?? ''), body)
      return [status, JSON.stringify(payload), AWS_JSON_HEADERS]
    })
  }

  /** Removes this double's interceptor; nock's other interceptors stay. */
  close(): void {
    nock.removeInterceptor(this.interceptor)
  }

  /**
   * Lets `seconds` of service time pass, in rounds of TRAINING_SECONDS: each round, stops complete, and a running
   * tuning job's training jobs finish and it launches the next ones.
   */
  elapse(seconds: number): void {
    const rounds = Math.max(1, Math.floor(seconds / TRAINING_SECONDS))
    for (let round = 0; round < rounds; round++) {
      this.now += seconds / rounds
      for (const job of this.training.values()) {
        if (job.status === 'Stopping') this.end(job, 'Stopped')
      }
      for (const tj of this.tuning.values()) this.advance(tj)
    }
  }

  private answer(target: string, raw: unknown): Reply {
    const op = target.replace(/^SageMaker\./, '')
    this.ops.push(op)
    const body = (typeof raw === 'string' ? JSON.parse(raw || '{}') : raw) as Body
    try {
      const handler = this.handlers[op]
      if (!handler) throw new ServiceFault('UnknownOperationException', `Unknown operation ${op}`)
      return [200, handler(body)]
    } catch (err) {
      if (err instanceof ServiceFault) return [400, { __type: err.code, Message: err.message }]
      throw err
    }
  }

  private readonly handlers: Record<string, (body: Body) => object> = {
    CreateTrainingJob: (b) => {
      const { TrainingJobName, Tags, ...request } = b
      const name = String(TrainingJobName)
      const clash = this.training.get(name.toLowerCase())
      if (clash) throw new ServiceFault('ResourceInUse', `Training job names must be unique within an AWS account and region, and a training job with this name already exists (${clash.arn})`)
      const job = this.addTraining(name, request, (Tags ?? []) as Tag[])
      return { TrainingJobArn: job.arn }
    },
    DescribeTrainingJob: (b) => trainingView(this.trainingJob(b.TrainingJobName)),
    StopTrainingJob: (b) => {
      const job = this.trainingJob(b.TrainingJobName)
      if (job.status !== 'InProgress') throw validation(`The request was rejected because the training job is in status ${job.status}.`)
      job.status = 'Stopping'
      return {}
    },
    DeleteTrainingJob: (b) => {
      const job = this.trainingJob(b.TrainingJobName)
      if (job.status === 'InProgress' || job.status === 'Stopping') throw new ServiceFault('ResourceInUse', `Training job ${job.name} is in status ${job.status}. You can delete only training jobs that are in a terminal state (Stopped, Failed, or Completed).`)
      this.training.delete(job.name.toLowerCase())
      return {}
    },
    CreateHyperParameterTuningJob: (b) => {
      const { HyperParameterTuningJobName, Tags, ...request } = b
      const name = String(HyperParameterTuningJobName)
      if (this.tuning.has(name.toLowerCase())) throw new ServiceFault('ResourceInUse', `A hyperparameter tuning job with the name, ${name}, already exists. Choose a different name.`)
      const tj: TuningJob = { name, arn: `${ACCOUNT_ARN}:hyper-parameter-tuning-job/${name}`, status: 'InProgress', request, tags: (Tags ?? []) as Tag[], created: this.now, children: [] }
      this.tuning.set(name.toLowerCase(), tj)
      return { HyperParameterTuningJobArn: tj.arn }
    },
    DescribeHyperParameterTuningJob: (b) => this.tuningView(this.tuningJob(b.HyperParameterTuningJobName)),
    StopHyperParameterTuningJob: (b) => {
      const tj = this.tuningJob(b.HyperParameterTuningJobName)
      if (tj.status !== 'InProgress') throw validation(`The request was rejected because the hyperparameter tuning job is in status ${tj.status}.`)
      tj.status = 'Stopping'
      for (const child of this.childrenOf(tj)) if (child.status === 'InProgress') child.status = 'Stopping'
      return {}
    },
    DeleteHyperParameterTuningJob: (b) => {
      const tj = this.tuningJob(b.HyperParameterTuningJobName)
      if (tj.status === 'InProgress' || tj.status === 'Stopping') throw validation(`Hyperparameter tuning job ${tj.name} is in status ${tj.status}. You can delete only tuning jobs that are in a terminal state (Completed, Stopped or Failed).`)
      this.tuning.delete(tj.name.toLowerCase())
      return {}
    },
    ListTrainingJobsForHyperParameterTuningJob: (b) => {
      const tj = this.tuningJob(b.HyperParameterTuningJobName)
      const page = paged(this.childrenOf(tj).sort((x, y) => (x.name < y.name ? -1 : 1)), b, `children:${tj.arn}`)
      return { TrainingJobSummaries: page.items.map(childSummary), ...(page.next ? { NextToken: page.next } : {}) }
    },
    AddTags: (b) => {
      const resource = this.byArn(b.ResourceArn)
      const merged = new Map(resource.tags.map((t) => [t.Key, t]))
      for (const tag of b.Tags as Tag[]) merged.set(tag.Key, tag)
      if (merged.size > 50) throw validation('A resource can have at most 50 tags.')
      resource.tags = [...merged.values()]
      return { Tags: b.Tags }
    },
    ListTags: (b) => {
      const resource = this.byArn(b.ResourceArn)
      // ListTags' MaxResults has a minimum of 50, and a resource holds at most 50 tags: one page.
      return { Tags: resource.tags }
    },
    DeleteTags: (b) => {
      const resource = this.byArn(b.ResourceArn)
      const keys = new Set(b.TagKeys as string[])
      resource.tags = resource.tags.filter((t) => !keys.has(t.Key))
      return {}
    },
    Search: (b) => {
      const filters = ((b.SearchExpression as { Filters?: Array<{ Name: string; Operator?: string; Value?: string }> } | undefined)?.Filters ?? [])
      const resource = String(b.Resource)
      const records: Array<{ created: number; arn: string; record: object; fields: Record<string, unknown> }> =
        resource === 'TrainingJob'
          ? [...this.training.values()].map((j) => ({ created: j.created, arn: j.arn, record: { TrainingJob: { ...trainingView(j), Tags: j.tags } }, fields: { TrainingJobStatus: j.status, ...tagFields(j.tags) } }))
          : [...this.tuning.values()].map((j) => ({ created: j.created, arn: j.arn, record: { HyperParameterTuningJob: { ...this.tuningView(j), Tags: j.tags } }, fields: { HyperParameterTuningJobStatus: j.status, ...tagFields(j.tags) } }))
      // What sageform searches on; anything else would get a silently wrong answer, so it is refused.
      const unsupported = filters.find((f) => (f.Operator ?? 'Equals') !== 'Equals' || !/^(Tags\.|TrainingJobStatus$|HyperParameterTuningJobStatus$)/.test(f.Name))
      if (unsupported) throw validation(`This double searches with Equals on Tags.* and the status only, not ${unsupported.Name} ${unsupported.Operator ?? 'Equals'}.`)
      const matching = records.filter((r) => filters.every((f) => r.fields[f.Name] === f.Value))
      const sign = b.SortOrder === 'Ascending' ? 1 : -1
      if (b.SortBy !== undefined && b.SortBy !== 'CreationTime') throw validation('This double sorts by CreationTime only.')
      matching.sort((x, y) => sign * (x.created - y.created || (x.arn < y.arn ? -1 : 1)))
      const page = paged(matching, b, `search:${JSON.stringify(b.SearchExpression ?? null)}`)
      return { Results: page.items.map((r) => r.record), ...(page.next ? { NextToken: page.next } : {}) }
    },
  }

  private addTraining(name: string, request: Body, tags: Tag[], tuning?: { arn: string; tuned: Record<string, string> }): TrainingJob {
    const job: TrainingJob = { name, arn: `${ACCOUNT_ARN}:training-job/${name}`, status: 'InProgress', request, tags: structuredClone(tags), created: this.now, ...(tuning ? { tuningArn: tuning.arn, tuned: tuning.tuned } : {}) }
    this.training.set(name.toLowerCase(), job)
    return job
  }

  /** A running tuning job launches training jobs up to its parallel limit, each finishing by the next elapse(). */
  private advance(tj: TuningJob): void {
    const children = this.childrenOf(tj)
    if (tj.status === 'Stopping') {
      for (const child of children) if (child.status === 'Stopping') this.end(child, 'Stopped')
      this.end(tj, 'Stopped')
      return
    }
    if (tj.status !== 'InProgress') return
    for (const child of children) if (child.status === 'InProgress') this.end(child, 'Completed')
    const config = tj.request.HyperParameterTuningJobConfig as { ResourceLimits: { MaxParallelTrainingJobs: number; MaxNumberOfTrainingJobs?: number } }
    const max = config.ResourceLimits.MaxNumberOfTrainingJobs ?? 500
    const launch = Math.min(config.ResourceLimits.MaxParallelTrainingJobs, max - children.length)
    if (launch <= 0) return this.end(tj, 'Completed')
    const definition = (tj.request.TrainingJobDefinition ?? {}) as { StaticHyperParameters?: Record<string, string> } & Body
    const ranges = ((tj.request.HyperParameterTuningJobConfig as { ParameterRanges?: { ContinuousParameterRanges?: Array<{ Name: string; MinValue: string }>; IntegerParameterRanges?: Array<{ Name: string; MinValue: string }> } }).ParameterRanges) ?? {}
    for (let i = 0; i < launch; i++) {
      const index = tj.children.length + 1
      // Like the service's: the tuning job's name, a three-digit index and a random suffix.
      const name = `${tj.name}-${String(index).padStart(3, '0')}-${createHash('sha256').update(`${tj.arn}/${index}`).digest('hex').slice(0, 8)}`
      const tuned = Object.fromEntries([...(ranges.ContinuousParameterRanges ?? []), ...(ranges.IntegerParameterRanges ?? [])].map((r) => [r.Name, r.MinValue]))
      const { StaticHyperParameters, ...rest } = definition
      // "Tags that you specify for the tuning job are also added to all training jobs that the tuning job launches."
      this.addTraining(name, { ...rest, HyperParameters: { ...StaticHyperParameters, ...tuned } }, tj.tags, { arn: tj.arn, tuned })
      tj.children.push(name)
    }
  }

  private end(job: Job, status: Status): void {
    job.status = status
    job.ended = this.now
  }

  private childrenOf(tj: TuningJob): TrainingJob[] {
    return tj.children.map((name) => this.training.get(name.toLowerCase())).filter((j): j is TrainingJob => j !== undefined)
  }

  /** DescribeTrainingJob, StopTrainingJob and DeleteTrainingJob answer a missing job so, not with ResourceNotFound (aws/aws-sdk#165). */
  private trainingJob(name: unknown): TrainingJob {
    const job = this.training.get(String(name).toLowerCase())
    if (!job) throw validation('Requested resource not found.')
    return job
  }

  private tuningJob(name: unknown): TuningJob {
    const tj = this.tuning.get(String(name).toLowerCase())
    if (!tj) throw new ServiceFault('ResourceNotFound', `Amazon SageMaker can't find a tuning job called ${String(name)}. Type another name.`)
    return tj
  }

  private byArn(arn: unknown): { tags: Tag[] } {
    const found = [...this.training.values(), ...this.tuning.values()].find((j) => j.arn === arn)
    if (!found) throw validation('Resource does not exist')
    return found
  }

  private tuningView(tj: TuningJob): object {
    const children = this.childrenOf(tj)
    const count = (status: Status) => children.filter((c) => c.status === status).length
    return {
      ...tj.request,
      HyperParameterTuningJobName: tj.name,
      HyperParameterTuningJobArn: tj.arn,
      HyperParameterTuningJobStatus: tj.status,
      CreationTime: tj.created,
      LastModifiedTime: tj.ended ?? tj.created,
      ...(tj.ended === undefined ? {} : { HyperParameterTuningEndTime: tj.ended }),
      TrainingJobStatusCounters: { Completed: count('Completed'), InProgress: count('InProgress') + count('Stopping'), RetryableError: 0, NonRetryableError: count('Failed'), Stopped: count('Stopped') },
      ObjectiveStatusCounters: { Succeeded: count('Completed'), Pending: count('InProgress') + count('Stopping'), Failed: count('Failed') + count('Stopped') },
    }
  }

}

function trainingView(job: TrainingJob): object {
  const secondary = job.status === 'InProgress' ? 'Training' : job.status
  return {
    ...job.request,
    TrainingJobName: job.name,
    TrainingJobArn: job.arn,
    TrainingJobStatus: job.status,
    SecondaryStatus: secondary,
    CreationTime: job.created,
    LastModifiedTime: job.ended ?? job.created,
    ...(job.ended === undefined ? {} : { TrainingEndTime: job.ended }),
    ...(job.tuningArn ? { TuningJobArn: job.tuningArn } : {}),
  }
}

function childSummary(job: TrainingJob): object {
  return {
    TrainingJobName: job.name,
    TrainingJobArn: job.arn,
    TuningJobName: job.tuningArn?.split('/').pop(),
    TrainingJobStatus: job.status,
    CreationTime: job.created,
    ...(job.ended === undefined ? {} : { TrainingEndTime: job.ended }),
    TunedHyperParameters: job.tuned ?? {},
  }
}

function tagFields(tags: Tag[]): Record<string, string> {
  return Object.fromEntries(tags.map((t) => [`Tags.${t.Key}`, t.Value]))
}

/** MaxResults and an opaque NextToken (the scope and the offset), as the service's List and Search calls page. */
function paged<T>(items: T[], body: Body, scope: string): { items: T[]; next?: string } {
  const size = typeof body.MaxResults === 'number' ? body.MaxResults : DEFAULT_MAX_RESULTS
  if (size < 1 || size > MAX_RESULTS) throw validation(`1 validation error detected: Value '${size}' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to ${MAX_RESULTS}`)
  let start = 0
  if (typeof body.NextToken === 'string') {
    const decoded = (() => {
      try {
        return JSON.parse(Buffer.from(body.NextToken, 'base64url').toString()) as unknown
      } catch {
        return undefined
      }
    })()
    if (!Array.isArray(decoded) || decoded[0] !== scope || typeof decoded[1] !== 'number') throw validation('Invalid pagination token.')
    start = decoded[1]
  }
  const end = start + size
  return { items: items.slice(start, end), ...(end < items.length ? { next: Buffer.from(JSON.stringify([scope, end])).toString('base64url') } : {}) }
}
