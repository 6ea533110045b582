// `show` and `output` print a recorded output's value the same way: HCL notation, as `terraform output` does, and
// <sensitive> for a sensitive one.
import assert from 'node:assert/strict'
import type { State } from '../src/model/state.js'
import { renderOutputs } from '../src/ui/output.js'
import { renderShow } from '../src/ui/show.js'
import { makeStyle } from '../src/ui/style.js'

describe('show and output print values alike', () => {
  const outputs = {
    best_model: { value: { name: 'hpo-003', objective: 0.93, hyperparameters: { eta: '0.2', 'max-depth': '6' } }, sensitive: false },
    token: { value: 'hunter2', sensitive: true },
    zones: { value: ['a', 'b'], sensitive: false },
  }
  const state: State = { format_version: 1, lineage: 'l', serial: 2, resources: { 'sagemaker_training_job.t': { type: 'sagemaker_training_job', history: [] } }, outputs }
  const style = makeStyle(false)

  it('prints each output as `name = <HCL value>`, indented under Outputs: in show', () => {
    const listed = renderOutputs({ format_version: '1.0', outputs, diagnostics: [] }, style)
    const shown = renderShow({ state, diagnostics: [] }, style)
    const section = shown.slice(shown.indexOf('Outputs:\n') + 'Outputs:\n'.length)
    assert.equal(section, listed.split('\n').map((line) => `  ${line}`).join('\n'))
    assert.match(section, /^ {2}best_model = \{\n {4}name {12}= "hpo-003"\n {4}objective {7}= 0\.93\n {4}hyperparameters = \{\n {6}eta {7}= "0\.2"\n {6}max-depth = "6"\n {4}\}\n {2}\}\n/)
    assert.match(section, /token = <sensitive>/)
    assert.doesNotMatch(shown, /hunter2/)
  })
})
