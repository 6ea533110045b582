// `destroy --delete`: remove job records from SageMaker (DeleteTrainingJob / DeleteHyperParameterTuningJob), which also
// frees their names. A job must have stopped first, so a Stopping job is waited for.
import type { Diagnostic } from '../diagnostics/index.js'
import type { ResourceType } from '../config/module.js'
import { isResourceNotFound, type SageMakerApi } from '../sagemaker/types.js'
import { mapLimit } from '../util/pool.js'
import { errorText } from './actions.js'
import { isRunning, jobOps, poller, requestStop } from './jobs.js'
import type { WaitOptions } from './types.js'

export interface JobToDelete {
  address: string
  type: ResourceType
  name: string
}

export async function deleteJobs(api: SageMakerApi, jobs: readonly JobToDelete[], parallelism: number, wait?: WaitOptions): Promise<{ deleted: string[]; errors: Diagnostic[] }> {
  const poll = poller(wait)
  const deleted: string[] = []
  const errors: Diagnostic[] = []
  await mapLimit(jobs, parallelism, async (job) => {
    const ops = jobOps(api, job.type)
    try {
      const live = await ops.describe(job.name)
      if (!live) return
      if (isRunning(live)) {
        if (live.status === 'InProgress') await requestStop(ops, job.name)
        await poll.until(ops, job.name, (j) => !isRunning(j), 'stop')
      }
      await ops.delete(job.name)
      deleted.push(job.name)
    } catch (error) {
      if (isResourceNotFound(error)) return
      errors.push({ severity: 'error', summary: `Could not delete ${ops.noun} ${job.name}`, detail: errorText(error), address: job.address })
    }
  })
  return { deleted: deleted.sort(), errors }
}
