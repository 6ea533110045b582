// Training and tuning jobs share one lifecycle (create, describe, stop, delete) behind differently named operations and
// fields. JobOps is the one place that chooses between them: apply's actions, refresh, watch, import and recheck
// program against it, so each step is written once for both kinds.
import { jobFamily, type ResourceType } from '../config/module.js'
import { JOB_KINDS } from '../model/kinds.js'
import type { CreateHyperParameterTuningJobRequest, CreateTrainingJobRequest, Described, DescribeHyperParameterTuningJobResponse, DescribeTrainingJobResponse, SageMakerApi } from './types.js'

/** What Describe says about a job, in the state file's terms. */
export interface LiveJob {
  name: string
  arn: string
  status: string
  created_at?: string
  ended_at?: string
  failure_reason?: string
  /** A training job a tuning job launched (Describe's TuningJobArn): that tuning job's, never a resource's own. */
  tuning_job_arn?: string
}

/** What a job's Describe says, from either kind's operation. */
export interface JobReads {
  /** Undefined when SageMaker has no job of that name. */
  describe(name: string): Promise<LiveJob | undefined>
  /** Describe's whole answer, for readers of more than LiveJob (the Create request, secondary statuses). */
  describeRaw(name: string): Promise<Described<DescribeTrainingJobResponse | DescribeHyperParameterTuningJobResponse>>
}

/** The calls JobReads makes: all a client needs to serve them (the refresh's, in a worker thread, serves only reads). */
export type JobReadApi = Pick<SageMakerApi, 'describeTrainingJob' | 'describeTuningJob'>

export interface JobOps extends JobReads {
  noun: string
  /** The Create request member holding the job name. */
  nameMember: 'TrainingJobName' | 'HyperParameterTuningJobName'
  /** The AWS CLI command that stops the job by hand, for hints when sageform could not. */
  stopCommand(name: string): string
  create(request: Record<string, unknown>): Promise<{ arn: string }>
  stop(name: string): Promise<void>
  delete(name: string): Promise<void>
}

const iso = (d: Date | undefined) => d?.toISOString()

export function jobOps(api: SageMakerApi, type: ResourceType): JobOps {
  if (jobFamily(type) === 'training') {
    return {
      ...jobReads(api, type),
      noun: JOB_KINDS[type].shortNoun,
      nameMember: 'TrainingJobName',
      stopCommand: (name) => `aws sagemaker stop-training-job --training-job-name ${name}`,
      create: (request) => api.createTrainingJob(request as unknown as CreateTrainingJobRequest),
      stop: (name) => api.stopTrainingJob(name),
      delete: (name) => api.deleteTrainingJob(name),
    }
  }
  return {
    ...jobReads(api, type),
    noun: JOB_KINDS[type].shortNoun,
    nameMember: 'HyperParameterTuningJobName',
    stopCommand: (name) => `aws sagemaker stop-hyper-parameter-tuning-job --hyper-parameter-tuning-job-name ${name}`,
    create: (request) => api.createTuningJob(request as unknown as CreateHyperParameterTuningJobRequest),
    stop: (name) => api.stopTuningJob(name),
    delete: (name) => api.deleteTuningJob(name),
  }
}

export function jobReads(api: JobReadApi, type: ResourceType): JobReads {
  if (jobFamily(type) === 'training') {
    return {
      describeRaw: (name) => api.describeTrainingJob(name),
      describe: async (name) => {
        const d = await api.describeTrainingJob(name)
        if (!d.found) return undefined
        const j = d.job
        return { name: j.TrainingJobName ?? name, arn: j.TrainingJobArn ?? '', status: j.TrainingJobStatus ?? 'Unknown', created_at: iso(j.CreationTime), ended_at: iso(j.TrainingEndTime), failure_reason: j.FailureReason, ...(j.TuningJobArn ? { tuning_job_arn: j.TuningJobArn } : {}) }
      },
    }
  }
  return {
    describeRaw: (name) => api.describeTuningJob(name),
    describe: async (name) => {
      const d = await api.describeTuningJob(name)
      if (!d.found) return undefined
      const j = d.job
      return { name: j.HyperParameterTuningJobName ?? name, arn: j.HyperParameterTuningJobArn ?? '', status: j.HyperParameterTuningJobStatus ?? 'Unknown', created_at: iso(j.CreationTime), ended_at: iso(j.HyperParameterTuningEndTime), failure_reason: j.FailureReason }
    },
  }
}
