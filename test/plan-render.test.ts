// Output that tells the truth: what a plan and an apply say about tags, forgotten resources, deposed jobs and the state's
// location, rendered from the plan's codes (src/ui owns the words).
import assert from 'node:assert/strict'
import type { ResourceChange } from '../src/plan/types.js'
import type { ApplyPayload } from '../src/services/apply.js'
import { renderApplySummary, renderEvent } from '../src/ui/apply.js'
import { renderChange } from '../src/ui/plan.js'
import { makeStyle } from '../src/ui/style.js'

const style = makeStyle(false)
const base = { address: 'sagemaker_training_job.churn', type: 'sagemaker_training_job' as const, attribute_changes: [], depends_on: [] }

describe('plan output tells the truth', () => {
  it('an in-place tag update shows old -> new values and no "new job"', () => {
    const change: ResourceChange = {
      ...base,
      action: 'update',
      reason: 'tags_changed',
      before: { name: 'churn-1a2b3c4d', status: 'InProgress' },
      after: { name: 'churn-1a2b3c4d', spec_hash: 'h', generation: 1, request: {}, tags: { team: 'new' } },
      tag_changes: { set: { team: 'new', owner: 'alice' }, remove: ['env'], before: { team: 'old', env: 'dev' } },
    }
    const text = renderChange(change, style)
    assert.doesNotMatch(text, /new job/)
    assert.match(text, /~ tags\.team = "old" -> "new"/)
    assert.match(text, /\+ tags\.owner = "alice"/)
    assert.match(text, /- tags\.env = "dev"/)
    assert.match(text, /will be updated in-place \(tags changed\)/)
  })

  it("a create shows the user's tags", () => {
    const change: ResourceChange = { ...base, action: 'create', after: { name: 'churn-1a2b3c4d', spec_hash: 'h', generation: 1, request: {}, tags: { team: 'ml', run: { $unknown: 'var.x' } } } }
    const text = renderChange(change, style)
    assert.match(text, /\+ new job {2}= churn-1a2b3c4d/)
    assert.match(text, /\+ tags\.team = "ml"/)
    assert.match(text, /\+ tags\.run = \(known after apply\)/)
  })

  it('a finished job destroy only forgets says so; a deposed job still running is a stop', () => {
    const forgotten = renderChange({ ...base, action: 'stop', reason: 'destroy_finished', before: { name: 'churn-1', status: 'Completed' } }, style)
    assert.match(forgotten, /will be forgotten \(destroy: its job has ended \(Completed\), so it is only forgotten\)/)
    const deposed = renderChange({ ...base, action: 'stop', reason: 'deposed_running', deposed: 'churn-0', before: { name: 'churn-0', status: 'InProgress' } }, style)
    assert.match(deposed, /# sagemaker_training_job\.churn \(deposed, job churn-0\) will be stopped \(deposed\) \(job churn-0 was replaced but is still InProgress: stop pending\)/)
  })
})

describe('apply output tells the truth', () => {
  it('forgetting a finished job is "Forgetting"/"Forgotten", never "Stopping"', () => {
    const at = new Date('2026-12-01T10:00:00Z')
    assert.match(renderEvent({ address: base.address, action: 'stop', reason: 'destroy_finished', phase: 'start', message: 'forgetting' }, style, at)!, /Forgetting\.\.\./)
    assert.match(renderEvent({ address: base.address, action: 'stop', reason: 'destroy_finished', phase: 'done', effect: 'forgotten', message: 'forgot it' }, style, at)!, /Forgotten/)
    assert.match(renderEvent({ address: base.address, action: 'stop', reason: 'destroy_running', phase: 'start', message: 'stopping' }, style, at)!, /Stopping\.\.\./)
  })

  it('counts forgotten apart from stopped, and names the backend actually used', () => {
    const payload: ApplyPayload = {
      mode: 'destroy',
      applied: true,
      plan: null,
      results: [],
      summary: { created: 0, replaced: 0, updated: 0, stopped: 0, forgotten: 1, adopted: 0, failed: 0, deferred: 0 },
      diagnostics: [],
    }
    const text = renderApplySummary(payload, style, 's3://acme-ml-state/churn/sageform.state.json')
    assert.match(text, /0 stopped, 1 forgotten/)
    assert.match(text, /The state of every step is in s3:\/\/acme-ml-state\/churn\/sageform\.state\.json\./)
    assert.doesNotMatch(text, /is in sageform\.state\.json/)
  })
})
