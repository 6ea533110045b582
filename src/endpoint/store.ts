// The endpoint's state: every job as it was created plus the few facts that change later (stop requests, updates,
// tuning bookkeeping). Statuses are never stored; they are derived from these facts and the simulated time.
// With a data directory the state is one JSON file, written to a temporary file and renamed into place so a crash
// never leaves half a state behind.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { ClockState } from './clock.js'
import type { QuotaTable } from './quotas.js'
import type { JsonObject, Objective, Tag, TrainingSpec, TuningSpec } from './types.js'

/** Simulated durations in seconds of each phase of a training job, fixed when it is created. */
export interface TrainingPlan {
  starting: number
  downloading: number
  training: number
  uploading: number
  /** Seconds into the Training phase at which the algorithm fails. */
  failAfter?: number
  failureReason?: string
  /** Seconds into the Training phase at which the tuning job's early stopping ends the job. */
  earlyStopAfter?: number
}

export interface TuningLink {
  arn: string
  name: string
  definitionName?: string
  tuned: Record<string, string>
  objective: Objective
  /** How well the tuned values suit the simulated model, 0..1; the objective metric derives from it. */
  fit: number
}

export interface TrainingJobRecord {
  name: string
  arn: string
  spec: TrainingSpec
  tags: Tag[]
  creationTime: number
  plan: TrainingPlan
  stopRequestedAt?: number
  updatedAt?: number
  tuning?: TuningLink
}

/** A launched child; `final` keeps its last summary once DeleteTrainingJob has removed the training job itself. */
export interface ChildRef {
  name: string
  final?: { end: number; summary: JsonObject }
}

export interface TuningJobRecord {
  name: string
  arn: string
  spec: TuningSpec
  tags: Tag[]
  creationTime: number
  seed: number
  maxJobs: number
  children: ChildRef[]
  /** Launch decisions have been made up to this simulated time. */
  advancedTo: number
  stopRequestedAt?: number
  /** When the last child ended after the tuning job decided to finish; set once, as soon as that is known. */
  endedAt?: number
}

interface PersistedState {
  version: 1
  clock: ClockState
  trainingJobs: TrainingJobRecord[]
  tuningJobs: TuningJobRecord[]
}

const STATE_FILE = 'sagemaker-endpoint-state.json'

export class Store {
  /** Keyed by lower-case name: names are unique regardless of case, as their ARNs are compared without case. */
  readonly trainingJobs = new Map<string, TrainingJobRecord>()
  readonly tuningJobs = new Map<string, TuningJobRecord>()
  dirty = false
  private readonly file: string | undefined

  constructor(dataDir?: string) {
    this.file = dataDir === undefined ? undefined : join(dataDir, STATE_FILE)
  }

  /** Loads the saved state, if any, and returns the saved clock. */
  load(): ClockState | undefined {
    if (this.file === undefined) return undefined
    let text: string
    try {
      text = readFileSync(this.file, 'utf8')
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined
      throw e
    }
    const state = JSON.parse(text) as PersistedState
    for (const job of state.trainingJobs) this.trainingJobs.set(job.name.toLowerCase(), job)
    for (const job of state.tuningJobs) this.tuningJobs.set(job.name.toLowerCase(), job)
    return state.clock
  }

  save(clock: ClockState): void {
    this.dirty = false
    if (this.file === undefined) return
    const state: PersistedState = { version: 1, clock, trainingJobs: [...this.trainingJobs.values()], tuningJobs: [...this.tuningJobs.values()] }
    mkdirSync(join(this.file, '..'), { recursive: true })
    const temp = `${this.file}.${process.pid}.tmp`
    writeFileSync(temp, JSON.stringify(state))
    renameSync(temp, this.file)
  }

  trainingJob(name: string): TrainingJobRecord | undefined {
    return this.trainingJobs.get(name.toLowerCase())
  }

  tuningJob(name: string): TuningJobRecord | undefined {
    return this.tuningJobs.get(name.toLowerCase())
  }

  /**
   * The ARN exactly as Create and Describe return it: the service refuses a differently-cased one ("Resource does not
   * exist", boto/boto3#4606, where ListHyperParameterTuningJobs' lower-cased ARNs fail in ListTags).
   */
  byArn(arn: string): TrainingJobRecord | TuningJobRecord | undefined {
    for (const jobs of [this.trainingJobs, this.tuningJobs]) {
      for (const job of jobs.values()) if (job.arn === arn) return job
    }
    return undefined
  }
}

/** What every operation sees: the state, the simulated time of the request, and the account it runs in. */
export interface Context {
  store: Store
  now: number
  region: string
  accountId: string
  /** The account's SageMaker quotas (quotas.ts). */
  quotas: QuotaTable
  /** Name globs of training jobs made to fail part way through training (failure simulation). */
  failTrainingJobs?: readonly string[]
}

function arnPrefix(ctx: Context): string {
  const partition = ctx.region.startsWith('cn-') ? 'aws-cn' : ctx.region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws'
  return `arn:${partition}:sagemaker:${ctx.region}:${ctx.accountId}`
}

export function trainingJobArn(ctx: Context, name: string): string {
  return `${arnPrefix(ctx)}:training-job/${name}`
}

/** With the name's case, as Create and Describe return it (boto/boto3#4606: only the List call lower-cases it). */
export function tuningJobArn(ctx: Context, name: string): string {
  return `${arnPrefix(ctx)}:hyper-parameter-tuning-job/${name}`
}
