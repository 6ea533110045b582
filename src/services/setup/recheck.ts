// Just before apply acts, every job the plan is about to touch is looked at again. A plan is a promise about a moment:
// a job that finished, was stopped or vanished since then makes the planned action wrong (an update of a job that no
// longer runs, a stop of one already stopped), so such a plan is refused as stale, like one whose state serial moved.
import { jobOps } from '../../sagemaker/jobs.js'
import type { Plan, ResourceChange } from '../../plan/types.js'
import type { SageMakerApi } from '../../sagemaker/types.js'
import { mapLimit } from '../../util/pool.js'

/** Actions whose correctness depends on the live status the plan saw. Adopt records whatever it finds; no-op does nothing. */
const STATUS_BOUND: ReadonlySet<ResourceChange['action']> = new Set(['replace', 'update', 'stop', 'retune', 'delete'])

/** One line per job whose status is no longer what the plan saw; empty when the plan still holds. */
export async function staleJobs(plan: Plan, api: SageMakerApi, parallelism: number): Promise<string[]> {
  // A plan made with --refresh=false took its statuses from the state file, not from SageMaker: nothing to hold it to.
  if (!plan.refreshed) return []
  // Stopping a deposed job, or deleting every record on destroy --delete, is right whatever the job did meanwhile.
  const touched = plan.changes.filter((c) => STATUS_BOUND.has(c.action) && c.before?.name && c.before.status && c.reason !== 'deposed_running' && c.reason !== 'destroy_delete')
  const found = await mapLimit(touched, parallelism, async (change) => {
    const { name, status } = change.before!
    const live = await jobOps(api, change.type).describe(name)
    if (!live) return `${change.address}: job ${name} was ${status} when planned and no longer exists`
    return live.status === status ? undefined : `${change.address}: job ${name} was ${status} when planned and is now ${live.status}`
  })
  return found.filter((line): line is string => line !== undefined)
}
