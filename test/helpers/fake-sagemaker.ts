// In-memory SageMakerApi for planner and apply tests. It keeps the service rules those modules depend on: unique names,
// typed not-found, stop as an asynchronous transition, no deleting a running job, tags per exact ARN, tag search, and
// (elapse()) the training jobs a tuning job launches. test/contract.test.ts holds it to the local endpoint and nock.

import {
  SageMakerError,
  tagList,
  tagRecord,
  type CreateHyperParameterTuningJobRequest,
  type CreateTrainingJobRequest,
  type Described,
  type DescribeHyperParameterTuningJobResponse,
  type DescribeTrainingJobResponse,
  type HyperParameterTrainingJobSummary,
  type HyperParameterTuningJobStatus,
  type SageMakerApi,
  type SearchRecord,
  type SearchResource,
  type Tag,
  type TrainingJobStatus,
} from '../../src/sagemaker/types.js'

import { RUNNING_STATUSES } from '../../src/model/kinds.js'

export const FAKE_ARN_PREFIX = 'arn:aws:sagemaker:us-east-1:123456789012'

export type FakeOp = keyof SageMakerApi
/** A one-argument operation records that argument; the others record their argument list. */
type InputOf<K extends FakeOp> = Parameters<SageMakerApi[K]> extends [infer Only] ? Only : Parameters<SageMakerApi[K]>
export type FakeCall = { [K in FakeOp]: { op: K; input: InputOf<K> } }[FakeOp]

export interface SeedOptions<Job, Status> {
  /** Default InProgress. */
  status?: Status
  tags?: Record<string, string>
  /** Any other Describe fields the test cares about. */
  job?: Partial<Job>
}

export interface SeedTuningOptions extends SeedOptions<DescribeHyperParameterTuningJobResponse, HyperParameterTuningJobStatus> {
  trainingJobs?: HyperParameterTrainingJobSummary[]
}

export class FakeSageMaker implements SageMakerApi {
  readonly calls: FakeCall[] = []
  private readonly failures = new Map<FakeOp, Error[]>()
  /** Keyed by the exact ARN: ListTags has been seen failing for a differently-cased ARN (boto/boto3#4606). */
  private readonly tags = new Map<string, Record<string, string>>()
  private readonly training = new JobTable(trainingKind)
  private readonly tuning = new JobTable(tuningKind)
  private readonly tuningChildren = new Map<string, HyperParameterTrainingJobSummary[]>()

  seedTrainingJob(name: string, options: SeedOptions<DescribeTrainingJobResponse, TrainingJobStatus> = {}): string {
    return this.seed(this.training, name, options)
  }

  seedTuningJob(name: string, options: SeedTuningOptions = {}): string {
    const arn = this.seed(this.tuning, name, options)
    this.tuningChildren.set(nameKey(name), structuredClone(options.trainingJobs ?? []))
    return arn
  }

  /** What serviceTime() answers; tests move it to make a re-tune due. */
  clock = new Date()

  serviceTime(): Date {
    return new Date(this.clock)
  }

  /** The next call to `op` fails with `error` (queued: several calls fail in order). */
  failNext(op: FakeOp, error: Error): void {
    this.failures.set(op, [...(this.failures.get(op) ?? []), error])
  }

  async createTrainingJob(req: CreateTrainingJobRequest): Promise<{ arn: string }> {
    this.record('createTrainingJob', req)
    const { Tags, TrainingJobName, ...fields } = req
    return { arn: this.create(this.training, TrainingJobName ?? '', fields, tagRecord(Tags)) }
  }

  async describeTrainingJob(name: string): Promise<Described<DescribeTrainingJobResponse>> {
    this.record('describeTrainingJob', name)
    return this.training.describe(name)
  }

  async stopTrainingJob(name: string): Promise<void> {
    this.record('stopTrainingJob', name)
    this.training.stop(name)
  }

  async deleteTrainingJob(name: string): Promise<void> {
    this.record('deleteTrainingJob', name)
    this.tags.delete(this.training.delete(name))
  }

  async updateTrainingJob(name: string, update: Record<string, unknown>): Promise<void> {
    this.record('updateTrainingJob', [name, update])
    this.training.update(name, (job) => {
      // ResourceConfigForUpdate carries KeepAlivePeriodInSeconds only: it amends ResourceConfig, the rest replaces.
      const { ResourceConfig, ...rest } = structuredClone(update) as Partial<DescribeTrainingJobResponse>
      Object.assign(job, rest)
      if (ResourceConfig) job.ResourceConfig = { ...job.ResourceConfig, ...ResourceConfig }
    })
  }

  async createTuningJob(req: CreateHyperParameterTuningJobRequest): Promise<{ arn: string }> {
    this.record('createTuningJob', req)
    const { Tags, HyperParameterTuningJobName, ...fields } = req
    const arn = this.create(this.tuning, HyperParameterTuningJobName ?? '', fields, tagRecord(Tags))
    this.tuningChildren.set(nameKey(HyperParameterTuningJobName ?? ''), [])
    return { arn }
  }

  async describeTuningJob(name: string): Promise<Described<DescribeHyperParameterTuningJobResponse>> {
    this.record('describeTuningJob', name)
    return this.tuning.describe(name)
  }

  async stopTuningJob(name: string): Promise<void> {
    this.record('stopTuningJob', name)
    this.tuning.stop(name)
  }

  async deleteTuningJob(name: string): Promise<void> {
    this.record('deleteTuningJob', name)
    this.tags.delete(this.tuning.delete(name))
    this.tuningChildren.delete(nameKey(name))
  }

  /**
   * Service time passing, for tests that need what only time brings: stops complete, and a running tuning job created
   * through createTuningJob launches training jobs (MaxParallelTrainingJobs at a time, up to MaxNumberOfTrainingJobs),
   * named, tagged and linked as the service's are, while those it launched before complete.
   */
  elapse(): void {
    this.training.settle()
    for (const [key, children] of this.tuningChildren) {
      const described = this.tuning.describe(key)
      if (!described.found) continue
      const tj = described.job
      const status = tj.HyperParameterTuningJobStatus
      for (const child of children) {
        const live = this.training.describe(child.TrainingJobName ?? '')
        const childStatus = live.found ? live.job.TrainingJobStatus : undefined
        if (childStatus === 'InProgress') {
          const ended = status === 'InProgress' ? 'Completed' : 'Stopped'
          this.training.end(child.TrainingJobName ?? '', ended)
          child.TrainingJobStatus = ended
        } else if (childStatus) child.TrainingJobStatus = childStatus
      }
      const limits = tj.HyperParameterTuningJobConfig?.ResourceLimits
      // A seeded tuning job without limits is what the test made it: time does not move it.
      if (status !== 'InProgress' || !limits) continue
      const launch = Math.min(limits.MaxParallelTrainingJobs ?? 0, (limits.MaxNumberOfTrainingJobs ?? 0) - children.length)
      if (launch <= 0) this.tuning.end(key, 'Completed')
      for (let i = 0; i < launch; i++) children.push(this.launchChild(tj, children.length + 1))
    }
    this.tuning.settle()
  }

  private launchChild(tj: DescribeHyperParameterTuningJobResponse, index: number): HyperParameterTrainingJobSummary {
    const name = `${tj.HyperParameterTuningJobName ?? ''}-${String(index).padStart(3, '0')}-${(index * 2654435761 >>> 0).toString(16).padStart(8, '0')}`
    const ranges = tj.HyperParameterTuningJobConfig?.ParameterRanges
    const tuned = Object.fromEntries([...(ranges?.ContinuousParameterRanges ?? []), ...(ranges?.IntegerParameterRanges ?? [])].map((r) => [r.Name ?? '', r.MinValue ?? '']))
    const { StaticHyperParameters, ...definition } = tj.TrainingJobDefinition ?? {}
    // "Tags that you specify for the tuning job are also added to all training jobs that the tuning job launches."
    const tags = this.tags.get(tj.HyperParameterTuningJobArn ?? '') ?? {}
    const fields = { ...definition, HyperParameters: { ...StaticHyperParameters, ...tuned }, TuningJobArn: tj.HyperParameterTuningJobArn } as Partial<DescribeTrainingJobResponse>
    const arn = this.create(this.training, name, fields, tags)
    return { TrainingJobName: name, TrainingJobArn: arn, TuningJobName: tj.HyperParameterTuningJobName, TrainingJobStatus: 'InProgress', CreationTime: new Date(), TunedHyperParameters: tuned }
  }

  async listTrainingJobsForTuningJob(tuningJobName: string): Promise<HyperParameterTrainingJobSummary[]> {
    this.record('listTrainingJobsForTuningJob', tuningJobName)
    const children = this.tuningChildren.get(nameKey(tuningJobName))
    if (!children) throw notFound(tuningKind.noun, tuningJobName)
    return structuredClone(children)
  }

  async listTags(arn: string): Promise<Record<string, string>> {
    this.record('listTags', arn)
    return { ...this.tagsOf(arn) }
  }

  async addTags(arn: string, tags: Record<string, string>): Promise<void> {
    this.record('addTags', [arn, tags])
    // Like the real client, an empty change never reaches the service, so it cannot fail there either.
    if (Object.keys(tags).length > 0) Object.assign(this.tagsOf(arn), tags)
  }

  async deleteTags(arn: string, keys: string[]): Promise<void> {
    this.record('deleteTags', [arn, keys])
    if (keys.length === 0) return
    const tags = this.tagsOf(arn)
    for (const key of keys) delete tags[key]
  }

  async searchByTag(resource: SearchResource, key: string, value: string): Promise<SearchRecord[]> {
    this.record('searchByTag', [resource, key, value])
    const table = resource === 'TrainingJob' ? this.training : this.tuning
    return table.search((arn) => this.tags.get(arn) ?? {}, key, value)
  }

  async searchInProgress(resource: SearchResource): Promise<SearchRecord[]> {
    this.record('searchInProgress', [resource])
    return (resource === 'TrainingJob' ? this.training : this.tuning).inProgress((arn) => this.tags.get(arn) ?? {})
  }

  private record<K extends FakeOp>(op: K, input: InputOf<K>): void {
    this.calls.push({ op, input: structuredClone(input) } as FakeCall)
    const failure = this.failures.get(op)?.shift()
    if (failure) throw failure
  }

  private create<Job extends object>(table: JobTable<Job>, name: string, fields: Partial<Job>, tags: Record<string, string>): string {
    const arn = table.create(name, fields)
    this.tags.set(arn, { ...tags })
    return arn
  }

  private seed<Job extends object>(table: JobTable<Job>, name: string, options: SeedOptions<Job, string>): string {
    const arn = this.create(table, name, options.job ?? {}, options.tags ?? {})
    if (options.status) table.setStatus(name, options.status)
    return arn
  }

  private tagsOf(arn: string): Record<string, string> {
    const tags = this.tags.get(arn)
    if (!tags) throw new SageMakerError('ValidationException', `Resource does not exist: ${arn}`)
    return tags
  }
}

/** What differs between training and tuning jobs; JobTable holds the lifecycle they share. */
interface JobKind<Job> {
  noun: string
  arnType: string
  build(name: string, arn: string, fields: Partial<Job>, now: Date): Job
  status(job: Job): string | undefined
  setStatus(job: Job, status: string): void
  /** A terminal status reached now: the end time is set as the service sets it. */
  end(job: Job, status: string): void
  searchRecord(job: Job, tags: Tag[]): SearchRecord
}

const trainingKind: JobKind<DescribeTrainingJobResponse> = {
  noun: 'Training job',
  arnType: 'training-job',
  build: (name, arn, fields, now) => ({
    ModelArtifacts: undefined,
    StoppingCondition: undefined,
    SecondaryStatus: 'Starting',
    ...fields,
    TrainingJobName: name,
    TrainingJobArn: arn,
    TrainingJobStatus: 'InProgress',
    CreationTime: now,
    LastModifiedTime: now,
  }),
  status: (job) => job.TrainingJobStatus,
  setStatus: (job, status) => {
    job.TrainingJobStatus = status as TrainingJobStatus
  },
  end: (job, status) => {
    job.TrainingJobStatus = status as TrainingJobStatus
    job.TrainingEndTime = new Date()
  },
  searchRecord: (job, tags) => ({ TrainingJob: { ...job, Tags: tags } }),
}

const tuningKind: JobKind<DescribeHyperParameterTuningJobResponse> = {
  noun: 'Hyperparameter tuning job',
  arnType: 'hyper-parameter-tuning-job',
  build: (name, arn, fields, now) => ({
    HyperParameterTuningJobConfig: undefined,
    TrainingJobStatusCounters: { Completed: 0, InProgress: 0, RetryableError: 0, NonRetryableError: 0, Stopped: 0 },
    ObjectiveStatusCounters: { Succeeded: 0, Pending: 0, Failed: 0 },
    ...fields,
    HyperParameterTuningJobName: name,
    HyperParameterTuningJobArn: arn,
    HyperParameterTuningJobStatus: 'InProgress',
    CreationTime: now,
    LastModifiedTime: now,
  }),
  status: (job) => job.HyperParameterTuningJobStatus,
  setStatus: (job, status) => {
    job.HyperParameterTuningJobStatus = status as HyperParameterTuningJobStatus
  },
  end: (job, status) => {
    job.HyperParameterTuningJobStatus = status as HyperParameterTuningJobStatus
    job.HyperParameterTuningEndTime = new Date()
  },
  searchRecord: (job, tags) => ({ HyperParameterTuningJob: { ...job, Tags: tags } }),
}

// Stopping and Stopped are spelled the same in both status enums, so the lifecycle below serves both kinds.

class JobTable<Job extends object> {
  private readonly jobs = new Map<string, { arn: string; job: Job }>()

  constructor(private readonly kind: JobKind<Job>) {}

  /** Returns the new job's ARN. It keeps the name's case, as Create and Describe answers do; only List lower-cases. */
  create(name: string, fields: Partial<Job>): string {
    if (this.jobs.has(nameKey(name))) {
      throw new SageMakerError('ResourceInUse', `${this.kind.noun} ${name} already exists.`)
    }
    const arn = `${FAKE_ARN_PREFIX}:${this.kind.arnType}/${name}`
    this.jobs.set(nameKey(name), { arn, job: this.kind.build(name, arn, structuredClone(fields), new Date()) })
    return arn
  }

  describe(name: string): Described<Job> {
    const entry = this.jobs.get(nameKey(name))
    if (!entry) return { found: false }
    const seen = structuredClone(entry.job)
    // A stop completes in the background: the first Describe after it still says Stopping, the next one Stopped.
    if (this.kind.status(entry.job) === 'Stopping') this.kind.end(entry.job, 'Stopped')
    return { found: true, job: seen }
  }

  setStatus(name: string, status: string): void {
    this.kind.setStatus(this.get(name).job, status)
  }

  end(name: string, status: string): void {
    this.kind.end(this.get(name).job, status)
  }

  /** Only an InProgress job can be stopped, a Stopping one included (worded as the service words it). */
  stop(name: string): void {
    const { job } = this.get(name)
    const status = this.kind.status(job)
    if (status !== 'InProgress') {
      throw new SageMakerError('ValidationException', `The request was rejected because the ${this.kind.noun.toLowerCase()} is in status ${status}.`)
    }
    this.kind.setStatus(job, 'Stopping')
  }

  /** Jobs whose stop has completed by now. */
  settle(): void {
    for (const { job } of this.jobs.values()) if (this.kind.status(job) === 'Stopping') this.kind.end(job, 'Stopped')
  }

  /** Like UpdateTrainingJob: only a job that is still InProgress takes changes. */
  update(name: string, change: (job: Job) => void): void {
    const { job } = this.get(name)
    const status = this.kind.status(job)
    if (status !== 'InProgress') {
      throw new SageMakerError('ValidationException', `${this.kind.noun} ${name} is ${status}; only an InProgress job can be updated.`)
    }
    change(job)
  }

  /** Returns the deleted job's ARN so its tags can go too. */
  delete(name: string): string {
    const { arn, job } = this.get(name)
    const status = this.kind.status(job) ?? ''
    if (RUNNING_STATUSES.has(status)) {
      throw new SageMakerError('ResourceInUse', `${this.kind.noun} ${name} is ${status}; stop it before deleting it.`)
    }
    this.jobs.delete(nameKey(name))
    return arn
  }

  search(tagsOf: (arn: string) => Record<string, string>, key: string, value: string): SearchRecord[] {
    return [...this.jobs.values()]
      .filter(({ arn }) => tagsOf(arn)[key] === value)
      .map(({ arn, job }) => this.kind.searchRecord(structuredClone(job), tagList(tagsOf(arn))))
  }

  inProgress(tagsOf: (arn: string) => Record<string, string>): SearchRecord[] {
    return [...this.jobs.values()]
      .filter(({ job }) => this.kind.status(job) === 'InProgress')
      .map(({ arn, job }) => this.kind.searchRecord(structuredClone(job), tagList(tagsOf(arn))))
  }

  private get(name: string): { arn: string; job: Job } {
    const entry = this.jobs.get(nameKey(name))
    if (!entry) throw notFound(this.kind.noun, name)
    return entry
  }
}

// Whether SageMaker treats names that differ only in case as one job is undocumented; the fake assumes they collide,
// the stricter choice, so a test never passes on a name the service could reject.
function nameKey(name: string): string {
  return name.toLowerCase()
}

function notFound(noun: string, name: string): SageMakerError {
  return new SageMakerError('ResourceNotFound', `${noun} ${name} does not exist.`)
}
