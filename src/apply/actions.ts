// One function per plan action. Each talks to SageMaker one step at a time and records every step in the journal before
// taking the next, so that an apply killed at any point leaves a state file that says what exists. A step that fails
// throws StepFailed (what to tell the user); the engine turns it into the change's diagnostic.
import { addressTag } from '../config/address.js'
import type { Action, JobRef, ResourceChange } from '../plan/types.js'
import { TAG, isReservedTag, userTags } from '../model/kinds.js'
import { describedRequest, importedSpecHash, sameRequest, tuningChildRefusal } from '../planner/imports.js'
import { limitExceededHelp } from '../planner/quota.js'
import { JOB_KINDS } from '../model/kinds.js'
import { isResourceInUse, isResourceLimitExceeded, isResourceNotFound, isSageMakerError, tagList, tagRecord, type SageMakerApi, type Tag } from '../sagemaker/types.js'
import type { JobRecord, JsonValue } from '../model/state.js'
import { bestTrainingJobFields } from './best.js'
import { isRunning, requestStop, type Poller } from './jobs.js'
import { jobOps, type JobOps, type LiveJob } from '../sagemaker/jobs.js'
import { PersistFailed, type StateJournal } from './journal.js'
import { applyTrainingUpdate, dropRecord, finalFields, forget, GONE_STATUS, ownershipProblem, patchJob, recordDeposed, retireCurrent, sageformTags, setCurrent, unknownPath } from './records.js'
import type { RequestResolver } from './types.js'
import { jobFamily } from '../config/module.js'

export interface ActionContext {
  api: SageMakerApi
  journal: StateJournal
  resolveRequest: RequestResolver
  /** ISO 8601. */
  now: () => string
  poll: Poller
}

export interface ActionDone {
  message: string
  job?: string
  /** A stop that stopped nothing: the job had already ended (or was gone), so the resource was only forgotten. */
  forgotOnly?: boolean
}

/** A change failed. `job` names a job the change did create or act on before failing. */
export class StepFailed extends Error {
  override readonly name = 'StepFailed'

  constructor(
    readonly summary: string,
    readonly detail: string,
    readonly extra: { hint?: string; job?: string } = {},
  ) {
    super(`${summary}: ${detail}`)
  }
}

/** The detail of a failure: SageMaker's error code and message (and request ID, for AWS support) when it has them. */
export function errorText(err: unknown): string {
  // A timeout's message already says what was asked of whom; nothing was returned.
  if (isSageMakerError(err) && err.code === 'RequestTimeout') return err.message
  if (isSageMakerError(err)) return `SageMaker returned ${err.code}: ${err.message}${err.requestId ? ` (request ID ${err.requestId})` : ''}`
  return err instanceof Error ? err.message : String(err)
}

/** Runs one SageMaker step; a failure becomes StepFailed with `summary`. Failures already explained pass through. */
async function attempt<T>(summary: string, step: () => Promise<T>, extra: StepFailed['extra'] = {}): Promise<T> {
  try {
    return await step()
  } catch (err) {
    if (err instanceof StepFailed || err instanceof PersistFailed) throw err
    throw new StepFailed(summary, errorText(err), extra)
  }
}

interface CreateRequest {
  name: string
  /** As sent to SageMaker. */
  request: Record<string, unknown>
  /** As recorded in state: without the name and the tags. */
  body: JsonValue
  specHash: string
  userTags: Record<string, string>
}

/** Asks the caller for the Create request, holds it to the RequestResolver contract and adds sageform's tags. */
async function buildRequest(change: ResourceChange, ctx: ActionContext, ops: JobOps): Promise<CreateRequest> {
  const summary = `Cannot build the request for ${change.address}`
  let resolved
  try {
    resolved = await ctx.resolveRequest(change, ctx.journal.state)
  } catch (err) {
    throw new StepFailed(summary, errorText(err))
  }
  if ('error' in resolved) throw new StepFailed(summary, resolved.error)
  const { request } = resolved
  const specHash = change.after?.spec_hash || resolved.specHash || ''
  const problem = contractProblem(change, ops, resolved, specHash)
  if (problem) throw new StepFailed(`Invalid request for ${change.address}`, problem, { hint: 'This is a bug in sageform; nothing was sent to SageMaker.' })
  const { [ops.nameMember]: name, Tags, ...body } = request
  const user = tagRecord(Tags as Tag[] | undefined)
  const tags = { ...user, ...sageformTags({ address: change.address, lineage: ctx.journal.state.lineage, specHash }) }
  return { name: name as string, request: { ...request, Tags: tagList(tags) }, body: body as JsonValue, specHash, userTags: user }
}

function contractProblem(change: ResourceChange, ops: JobOps, resolved: { request: Record<string, unknown>; specHash?: string }, specHash: string): string | undefined {
  const { request } = resolved
  const name = request[ops.nameMember]
  if (typeof name !== 'string' || name === '') return `The request has no ${ops.nameMember}.`
  if (change.after?.name && name !== change.after.name) return `The request names the job ${name}, but the plan named it ${change.after.name}.`
  if (!specHash) return 'The request has no spec hash, and the plan has none either.'
  if (resolved.specHash && resolved.specHash !== specHash) return `The request's spec hash ${resolved.specHash} is not the plan's ${specHash}.`
  const list = request.Tags
  const isTag = (t: unknown) => typeof t === 'object' && t !== null && typeof (t as Tag).Key === 'string' && typeof (t as Tag).Value === 'string'
  if (list !== undefined && (!Array.isArray(list) || !list.every(isTag))) return 'The request\'s Tags is not a list of {Key, Value}.'
  const reserved = Object.keys(tagRecord(list as Tag[] | undefined)).filter(isReservedTag)
  if (reserved.length > 0) return `The request's Tags must hold the user's tags only; sageform adds ${reserved.join(', ')} itself.`
  const unknown = unknownPath(request)
  if (unknown) return `${unknown} is not known yet.`
  return undefined
}

async function create(change: ResourceChange, ctx: ActionContext): Promise<ActionDone> {
  const ops = jobOps(ctx.api, change.type)
  return createJob(change, ctx, ops, await buildRequest(change, ctx, ops))
}

async function createJob(change: ResourceChange, ctx: ActionContext, ops: JobOps, req: CreateRequest): Promise<ActionDone> {
  let arn: string
  try {
    ;({ arn } = await ops.create(req.request))
  } catch (err) {
    // The name is deterministic, so a taken name is most likely our own job from an apply that died before saving it.
    if (isResourceInUse(err)) return adoptTaken(change, ctx, ops, req)
    const quota = isResourceLimitExceeded(err) ? limitExceededHelp(err.message) : undefined
    if (quota) throw new StepFailed(`Failed to create ${ops.noun} ${req.name}`, `${errorText(err)} ${quota.detail}`, { hint: quota.hint })
    throw new StepFailed(`Failed to create ${ops.noun} ${req.name}`, errorText(err))
  }
  const at = ctx.now()
  await ctx.journal.record(`creating ${ops.noun} ${req.name}`, (state) =>
    setCurrent(state, change, {
      name: req.name,
      arn,
      spec_hash: req.specHash,
      status: 'InProgress',
      created_at: at,
      updated_at: at,
      generation: change.after?.generation ?? 1,
      request: req.body,
      tags: req.userTags,
      ...sensitivePaths(change),
    }),
    req.name,
  )
  return { job: req.name, message: `created ${ops.noun} ${req.name}` }
}

/**
 * Create said the name is taken. Only a job whose tags prove it is this very change's (same address, same state
 * lineage, same spec) is adopted; anything else is somebody else's job, or an earlier job of this resource still
 * holding a pinned name, and taking it over would lose track of what runs.
 */
async function adoptTaken(change: ResourceChange, ctx: ActionContext, ops: JobOps, req: CreateRequest): Promise<ActionDone> {
  const summary = `The job name ${req.name} is already taken`
  const live = await attempt(summary, () => ops.describe(req.name))
  if (!live) {
    throw new StepFailed(summary, `SageMaker says a ${ops.noun} named ${req.name} exists but cannot describe it; it may be being deleted.`, { hint: 'Run apply again in a few minutes.' })
  }
  const tags = await attempt(summary, () => ctx.api.listTags(live.arn))
  const problem = ownershipProblem(tags, { address: change.address, lineage: ctx.journal.state.lineage, specHash: req.specHash })
  if (problem) {
    // The same address under another lineage is this resource's job from a state file that was lost or replaced.
    const lostState = tags[TAG.address] === addressTag(change.address) && tags[TAG.lineage] !== undefined && tags[TAG.lineage] !== ctx.journal.state.lineage
    throw new StepFailed(summary, `SageMaker already has a ${ops.noun} named ${req.name} (${live.status}), and ${problem}. sageform does not take over a job it cannot prove it created for ${change.address}.`, {
      hint: lostState
        ? `It was created for ${change.address} under another state (lineage ${tags[TAG.lineage]}). Adopt it with an import block (import { to = ${change.address}, id = "${req.name}" }) or sageform import '${change.address}' ${req.name}; sageform import --lineage ${tags[TAG.lineage]} adopts every job of that state the configuration declares.`
        : 'Give the resource another name (name or name_prefix), or delete the existing job in SageMaker.',
    })
  }
  await recordAdopted(change, ctx, live, { specHash: req.specHash, request: req.body, tags: userTags(tags) })
  return { job: live.name, message: `adopted ${ops.noun} ${live.name} (${live.status}), created by an earlier apply that did not record it` }
}

async function recordAdopted(change: ResourceChange, ctx: ActionContext, live: LiveJob, known: { specHash: string; request?: JsonValue; tags: Record<string, string> }): Promise<void> {
  const best = await bestTrainingJobFields(ctx.api, change.type, live.name, live.status)
  const at = ctx.now()
  return ctx.journal.record(`adopting job ${live.name}`, (state) =>
    setCurrent(state, change, {
      name: live.name,
      arn: live.arn,
      spec_hash: known.specHash,
      status: live.status,
      created_at: live.created_at ?? at,
      updated_at: at,
      generation: change.after?.generation ?? 1,
      ...(live.ended_at ? { ended_at: live.ended_at } : {}),
      ...(live.failure_reason ? { failure_reason: live.failure_reason } : {}),
      ...(known.request !== undefined ? { request: known.request, ...sensitivePaths(change) } : withTagMarks(undefined, change)),
      tags: known.tags,
      ...best,
    }),
    live.name,
  )
}

/** The plan found the resource's job already in SageMaker (see adoptTaken for how that happens). */
async function adopt(change: ResourceChange, ctx: ActionContext): Promise<ActionDone> {
  const ops = jobOps(ctx.api, change.type)
  const name = change.before?.name ?? change.after?.name
  if (!name) throw new StepFailed(`Cannot adopt a job for ${change.address}`, 'The plan names no job.')
  const summary = `Failed to adopt ${ops.noun} ${name}`
  const live = await attempt(summary, () => ops.describe(name))
  if (!live) throw new StepFailed(summary, `SageMaker has no ${ops.noun} named ${name} any more.`, { hint: 'Run plan again.' })
  const tags = await attempt(summary, () => ctx.api.listTags(live.arn))
  // The plan showed this adoption and the user approved it, so only the address is checked again, in case the plan is
  // old: the lineage may legitimately differ (a state file rebuilt after being lost).
  const problem = ownershipProblem(tags, { address: change.address })
  if (problem) throw new StepFailed(summary, `The ${ops.noun} ${name} cannot be adopted: ${problem}.`, { hint: 'Run plan again.' })
  const specHash = tags[TAG.specHash] ?? change.after?.spec_hash ?? ''
  // The planned request describes the job only if the job was created from this very spec.
  const planned = change.after?.request
  const request = planned !== undefined && specHash === change.after?.spec_hash && !unknownPath(planned) ? planned : undefined
  await recordAdopted(change, ctx, live, { specHash, request, tags: userTags(tags) })
  return { job: name, message: `adopted ${ops.noun} ${name} (${live.status})` }
}

/**
 * An import block's job: read back from SageMaker (its request from Describe) and recorded as the resource's current
 * job. A job that differs from the planned request gets a spec hash no spec has, so the next plan replaces it.
 */
async function importJob(change: ResourceChange, ctx: ActionContext): Promise<ActionDone> {
  const ops = jobOps(ctx.api, change.type)
  const kind = JOB_KINDS[change.type]
  const name = change.before?.name
  if (!name) throw new StepFailed(`Cannot import a job for ${change.address}`, 'The plan names no job.')
  const summary = `Failed to import ${ops.noun} ${name}`
  const live = await attempt(summary, () => ops.describe(name))
  if (!live) {
    throw new StepFailed('Cannot import non-existent remote object', `While attempting to import an existing object to ${change.address}, sageform found no ${ops.noun} named "${name}".`, { hint: "Check the import block's id and the provider's region, or remove the block to create a new job." })
  }
  if (live.tuning_job_arn) {
    const { summary: refused, detail, hint } = tuningChildRefusal(name, live.tuning_job_arn)
    throw new StepFailed(refused, detail, { hint })
  }
  const tags = await attempt(summary, () => ctx.api.listTags(live.arn))
  const described = await attempt<{ found: boolean; job?: unknown }>(summary, () => (kind.family === 'training' ? ctx.api.describeTrainingJob(name) : ctx.api.describeTuningJob(name)))
  const request = describedRequest(kind.requestShape, kind.nameMember, described.job)
  const matches = change.after !== undefined && sameRequest(kind.requestShape, change.after.request, request)
  await recordAdopted(change, ctx, live, { specHash: importedSpecHash(matches, change.after?.spec_hash ?? null, request), request, tags: userTags(tags) })
  return { job: name, message: `imported ${ops.noun} ${name} (${live.status})${matches ? '' : '; it differs from the configuration, so the next plan replaces it'}` }
}

/**
 * A new job for a changed spec. Normally the new job is created first and the old one stopped after, so a failed create
 * leaves the old job running and current. A pinned name cannot be held by two jobs, so then the old job is stopped,
 * waited for and deleted first. Either way the request is built before the old job is touched.
 */
async function replace(change: ResourceChange, ctx: ActionContext): Promise<ActionDone> {
  const old = change.before
  if (!old) return create(change, ctx)
  const ops = jobOps(ctx.api, change.type)
  const req = await buildRequest(change, ctx, ops)
  if (change.delete_before_create) {
    await freeName(change, ctx, ops, old)
    const done = await createJob(change, ctx, ops, req)
    return { ...done, message: `${done.message} after deleting ${old.name}, which held its name` }
  }
  // Recording the new job makes the old one deposed (stop pending) while it may run: if the stop below fails, hangs or
  // the apply dies, the state still holds it and every later plan stops it.
  const done = await createJob(change, ctx, ops, req)
  if (old.status !== 'InProgress') return { ...done, message: `${done.message}, replacing ${old.name}` }
  const status = await attempt(`Created ${req.name}, but failed to stop the ${ops.noun} it replaces, ${old.name}`, () => requestStop(ops, old.name), {
    job: done.job,
    hint: `${old.name} is recorded as a deposed job of ${change.address} and may still run: the next plan shows its stop, and apply stops it.`,
  })
  await ctx.journal.record(`stopping ${ops.noun} ${old.name}`, (state) => recordDeposed(state, change.address, old.name, finalFields(status ?? GONE_STATUS, ctx.now())))
  return { ...done, message: `${done.message}, replacing ${old.name} (${status ?? 'gone'})` }
}

/** Stop (and wait for) and delete the job holding a pinned name; its record moves to history. */
async function freeName(change: ResourceChange, ctx: ActionContext, ops: JobOps, old: JobRef): Promise<void> {
  const summary = `Failed to free the name ${old.name} for the next job of ${change.address}`
  let finalStatus = old.status
  if (old.status === 'InProgress' || old.status === 'Stopping') {
    if (old.status === 'InProgress') await attempt(summary, () => requestStop(ops, old.name))
    const stopped = await attempt(summary, () => ctx.poll.until(ops, old.name, (job) => !isRunning(job), 'stop'))
    finalStatus = stopped?.status ?? finalStatus
    const best = await bestTrainingJobFields(ctx.api, change.type, old.name, stopped?.status)
    await ctx.journal.record(`stopping ${ops.noun} ${old.name}`, (state) => patchJob(state, change.address, old.name, { ...finalFields(stopped?.status, ctx.now(), stopped?.ended_at), ...best }))
  }
  await attempt(summary, async () => {
    try {
      await ops.delete(old.name)
    } catch (err) {
      if (!isResourceNotFound(err)) throw err
    }
  })
  // Deletion can take a moment (status Deleting); the name is free only once Describe no longer finds the job.
  const left = await attempt(summary, () => ctx.poll.until(ops, old.name, (job) => job === undefined || job.status === 'DeleteFailed', 'be deleted'))
  if (left) throw new StepFailed(summary, `SageMaker could not delete ${ops.noun} ${old.name} (${left.status}${left.failure_reason ? `: ${JSON.stringify(left.failure_reason)}` : ''}).`)
  await ctx.journal.record(`deleting ${ops.noun} ${old.name}`, (state) => retireCurrent(state, change.address, finalFields(finalStatus, ctx.now())))
}

/** Tags through AddTags/DeleteTags, then the UpdateTrainingJob members, each recorded as soon as it is done. */
async function update(change: ResourceChange, ctx: ActionContext): Promise<ActionDone> {
  const ops = jobOps(ctx.api, change.type)
  const name = change.before?.name
  const current = ctx.journal.state.resources[change.address]?.current
  if (!name || !current) throw new StepFailed(`Cannot update ${change.address}`, 'The state has no current job for it.', { hint: 'Run plan again.' })
  const done: string[] = []
  if (change.tag_changes) {
    const arn = change.before?.arn ?? current.arn
    const { set } = change.tag_changes
    // sageform's own tags are never removed: they are how an interrupted apply recognises its jobs.
    const remove = change.tag_changes.remove.filter((k) => !isReservedTag(k))
    const summary = `Failed to change the tags of ${ops.noun} ${name}`
    await attempt(summary, () => ctx.api.addTags(arn, set))
    await attempt(summary, () => ctx.api.deleteTags(arn, remove))
    await ctx.journal.record(`tagging ${ops.noun} ${name}`, (state) =>
      patchJob(state, change.address, name, (record) => ({
        // The record keeps the user's tags only; sageform's own (an address tag brought up to date) are implied.
        tags: { ...Object.fromEntries(Object.entries(record.tags ?? {}).filter(([k]) => !remove.includes(k))), ...userTags(set) },
        ...withTagMarks(record.sensitive_paths, change),
        updated_at: ctx.now(),
      })),
    )
    done.push('tags')
  }
  const members = change.training_job_update
  if (members && Object.keys(members).length > 0) {
    const summary = `Failed to update ${ops.noun} ${name}`
    if (jobFamily(change.type) !== 'training') throw new StepFailed(summary, 'Only a training job can be updated in place; a tuning job changes only through its tags.')
    await attempt(summary, () => ctx.api.updateTrainingJob(name, members))
    await ctx.journal.record(`updating ${ops.noun} ${name}`, (state) =>
      patchJob(state, change.address, name, (record) => ({ request: applyTrainingUpdate(record.request, members), updated_at: ctx.now() })),
    )
    done.push(Object.keys(members).join(', '))
  }
  return { job: name, message: `updated ${done.join(' and ') || 'nothing'} of ${ops.noun} ${name}` }
}

/**
 * The resource left the configuration (or destroy): its job is stopped if it runs, and the resource is forgotten,
 * history and all (SageMaker keeps finished jobs; deleting them is destroy --delete's). A job still stopping stays in
 * the state as deposed until it has stopped.
 */
async function stop(change: ResourceChange, ctx: ActionContext): Promise<ActionDone> {
  if (change.deposed) return stopDeposed(change, ctx)
  const ops = jobOps(ctx.api, change.type)
  const before = change.before
  let status = before?.status
  if (before && before.status === 'InProgress') {
    status = await attempt(`Failed to stop ${ops.noun} ${before.name}`, () => requestStop(ops, before.name), {
      job: before.name,
      hint: `${change.address} stays in the state. Run apply again, or forget it without stopping the job: sageform state rm ${change.address}`,
    })
  }
  await ctx.journal.record(`forgetting ${change.address}`, (state) => forget(state, change.address, status, ctx.now()))
  if (!before) return { message: `forgot ${change.address}`, forgotOnly: true }
  if (status === 'Stopping') return { job: before.name, message: `stopping ${ops.noun} ${before.name}; forgot ${change.address} (the job stays in the state as deposed until it has stopped)` }
  return { job: before.name, message: `forgot ${change.address} (${ops.noun} ${before.name} is ${status ?? 'gone'})`, forgotOnly: before.status !== 'InProgress' }
}

/** A deposed job: asked to stop (or, already stopping, looked at again); it moves to history once it has ended. */
async function stopDeposed(change: ResourceChange, ctx: ActionContext): Promise<ActionDone> {
  const ops = jobOps(ctx.api, change.type)
  const name = change.deposed!
  const summary = `Failed to stop ${ops.noun} ${name}`
  const hint = `${name} stays in the state as a deposed job of ${change.address}; the next plan shows its stop again.`
  const status =
    change.before?.status === 'InProgress' ? await attempt(summary, () => requestStop(ops, name), { job: name, hint }) : (await attempt(summary, () => ops.describe(name), { job: name, hint }))?.status
  await ctx.journal.record(`stopping ${ops.noun} ${name}`, (state) => recordDeposed(state, change.address, name, finalFields(status ?? GONE_STATUS, ctx.now())))
  return { job: name, message: status === 'Stopping' ? `stopping deposed ${ops.noun} ${name}` : `deposed ${ops.noun} ${name} is ${status ?? 'gone'}; moved to history` }
}

/** Nothing to do in SageMaker; the plan's refreshed status is recorded so the state file keeps up. */
async function noOp(change: ResourceChange, ctx: ActionContext): Promise<ActionDone> {
  const before = change.before
  if (change.deposed) {
    const status = before?.status ?? GONE_STATUS
    await ctx.journal.record(`recording the end of ${change.deposed}`, (state) => recordDeposed(state, change.address, change.deposed!, finalFields(status, ctx.now())))
    return { job: change.deposed, message: `${change.deposed} is ${status}; moved to history` }
  }
  if (!before) return { message: 'no changes' }
  const current = ctx.journal.state.resources[change.address]?.current
  const status = before.status
  const changed = status !== undefined && current?.name === before.name && current.status !== status
  if (status && changed) {
    await ctx.journal.record(`refreshing the status of ${before.name}`, (state) => patchJob(state, change.address, before.name, { status, updated_at: ctx.now() }))
  }
  // An ended tuning job's best training job, once (a failed one is asked only when its status changes: it rarely has one).
  if (current?.name === before.name && !current.best_training_job && (changed || (status ?? current.status) !== 'Failed')) {
    const best = await bestTrainingJobFields(ctx.api, change.type, before.name, status ?? current.status)
    if (best.best_training_job) await ctx.journal.record(`recording the best training job of ${before.name}`, (state) => patchJob(state, change.address, before.name, best))
  }
  return { job: before.name, message: `${before.name} is ${status ?? current?.status ?? 'unknown'}` }
}

/**
 * A new generation of an unchanged spec (lifecycle.retune_every). The completed job it follows moves to history with
 * its final status, end time and best training job, so the history keeps every generation's result.
 */
async function retune(change: ResourceChange, ctx: ActionContext): Promise<ActionDone> {
  const old = change.before
  const ops = jobOps(ctx.api, change.type)
  const req = await buildRequest(change, ctx, ops)
  if (old) {
    const live = await attempt(`Failed to read ${ops.noun} ${old.name} before re-tuning`, () => ops.describe(old.name))
    const best = await bestTrainingJobFields(ctx.api, change.type, old.name, live?.status)
    await ctx.journal.record(`recording the result of ${old.name}`, (state) => patchJob(state, change.address, old.name, { ...finalFields(live?.status, ctx.now(), live?.ended_at), ...best }))
  }
  const done = await createJob(change, ctx, ops, req)
  return { ...done, message: old ? `${done.message} (generation ${change.after?.generation ?? 1}, after ${old.name})` : done.message }
}

/**
 * An older generation's finished job (lifecycle.keep_generations) is deleted from SageMaker; its record stays in history
 * with its result and the time it was deleted. A job already gone counts as deleted.
 */
async function deleteGeneration(change: ResourceChange, ctx: ActionContext): Promise<ActionDone> {
  const ops = jobOps(ctx.api, change.type)
  const name = change.deposed ?? change.before?.name
  if (!name) throw new StepFailed(`Cannot delete a job of ${change.address}`, 'The plan names no job.')
  if (change.reason === 'destroy_delete') return deleteRecord(change, ctx, ops, name)
  const summary = `Failed to delete ${ops.noun} ${name}`
  const live = await attempt(summary, () => ops.describe(name))
  if (live && isRunning(live)) throw new StepFailed(summary, `${name} is ${live.status}; only a finished job is deleted.`, { hint: 'Run plan again.' })
  const recorded = ctx.journal.state.resources[change.address]?.history.find((r) => r.name === name)
  const best = live && !recorded?.best_training_job ? await bestTrainingJobFields(ctx.api, change.type, name, live.status) : {}
  if (live) {
    await attempt(summary, async () => {
      try {
        await ops.delete(name)
      } catch (err) {
        if (!isResourceNotFound(err)) throw err
      }
    })
  }
  await ctx.journal.record(`deleting ${ops.noun} ${name}`, (state) => patchJob(state, change.address, name, { ...best, ...(live ? { status: live.status } : {}), deleted_at: ctx.now(), updated_at: ctx.now() }))
  return { job: name, message: live ? `deleted ${ops.noun} ${name}` : `${ops.noun} ${name} was already gone` }
}

/**
 * destroy --delete: the job is stopped (and waited for) if it runs, deleted, and its record leaves the state. A failed
 * step keeps the record, so the next destroy --delete tries again.
 */
async function deleteRecord(change: ResourceChange, ctx: ActionContext, ops: JobOps, name: string): Promise<ActionDone> {
  const summary = `Could not delete ${ops.noun} ${name}`
  const hint = `${change.address} keeps the record of ${name}; run sageform destroy --delete again once the cause is fixed.`
  const live = await attempt(summary, () => ops.describe(name), { job: name, hint })
  if (live && isRunning(live)) {
    if (live.status === 'InProgress') await attempt(summary, () => requestStop(ops, name), { job: name, hint })
    await attempt(summary, () => ctx.poll.until(ops, name, (job) => !isRunning(job), 'stop'), { job: name, hint })
  }
  if (live) {
    await attempt(
      summary,
      async () => {
        try {
          await ops.delete(name)
        } catch (err) {
          if (!isResourceNotFound(err)) throw err
        }
      },
      { job: name, hint },
    )
  }
  await ctx.journal.record(`deleting ${ops.noun} ${name}`, (state) => dropRecord(state, change.address, name))
  return { job: name, message: live ? `deleted ${ops.noun} ${name}` : `${ops.noun} ${name} was already gone` }
}

export const ACTIONS: Record<Action, (change: ResourceChange, ctx: ActionContext) => Promise<ActionDone>> = {
  create,
  replace,
  update,
  stop,
  adopt,
  import: importJob,
  retune,
  delete: deleteGeneration,
  'no-op': noOp,
}

/** The state keeps where a request's secrets are, so state show and later plans never print them. */
function sensitivePaths(change: ResourceChange): Partial<Pick<JobRecord, 'sensitive_paths'>> {
  return change.after?.sensitive_paths?.length ? { sensitive_paths: change.after.sensitive_paths } : {}
}

/** A record's marks once its tags are the planned ones: the request's as recorded, the tags' as planned. */
function withTagMarks(recorded: readonly string[] | undefined, change: ResourceChange): Partial<Pick<JobRecord, 'sensitive_paths'>> {
  const isTag = (p: string) => p === 'Tags' || p.startsWith('Tags.')
  const paths = [...(recorded ?? []).filter((p) => !isTag(p)), ...(change.after?.sensitive_paths ?? []).filter(isTag)].sort()
  return { sensitive_paths: paths.length > 0 ? paths : undefined }
}
