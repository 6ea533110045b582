// A value outside one of the API model's enums gets a did-you-mean: another case, a typo, or the members it begins.
// The candidates come from the model itself, so every enum of every request shape is covered without a list here.
import assert from 'node:assert/strict'
import { suggestFrom } from '../src/diagnostics/index.js'
import { apiModel } from '../src/model/api.js'
import { validate } from '../src/services/validate.js'
import { configDir, TRAINING_BODY } from './helpers/config.js'

async function hintsFor(hcl: string): Promise<string[]> {
  const result = await validate({ dir: configDir({ 'main.hcl': hcl }), variables: [], env: {} })
  return result.diagnostics.filter((d) => d.severity === 'error').map((d) => d.hint ?? '')
}

const trainingWith = (instanceType: string, mode = 'File') =>
  `resource "sagemaker_training_job" "t" {\n${TRAINING_BODY.replace('"ml.m5.large"', `"${instanceType}"`).replace('training_input_mode = "File"', `training_input_mode = "${mode}"`)}\n}\n`

describe('enum did-you-mean', () => {
  it('suggests the member a value meant: another case, a typo, or the one it begins', () => {
    assert.equal(suggestFrom('file', ['Pipe', 'File', 'FastFile']), 'Did you mean "File"?')
    assert.equal(suggestFrom('ml.m5.xlarg', ['ml.m5.large', 'ml.m5.xlarge']), 'Did you mean "ml.m5.xlarge"?')
    assert.equal(suggestFrom('Fast', ['Pipe', 'File', 'FastFile']), 'Did you mean "FastFile"?')
    assert.equal(suggestFrom('zzzzzz', ['Pipe', 'File', 'FastFile']), undefined)
  })

  it('lists the members a value begins when it begins several', () => {
    const types = (apiModel().shapes.TrainingInstanceType as { enum: string[] }).enum
    const hint = suggestFrom('ml.g5', types)!
    assert.match(hint, /^Did you mean one of "ml\.g5\.[^"]+", /)
    assert.match(hint, /\(\d+ in all\)\?$/)
  })

  it('finds, for a typo of every member of every enum in the API model, a suggestion', () => {
    let checked = 0
    for (const [name, s] of Object.entries(apiModel().shapes)) {
      if (s.type !== 'string' || !('enum' in s) || !s.enum) continue
      for (const member of s.enum) {
        if (member.length < 4) continue
        const typo = member.slice(0, -1)
        assert.ok(suggestFrom(typo, s.enum), `${name}: no suggestion for "${typo}" (from "${member}")`)
        assert.equal(suggestFrom(member.toUpperCase(), s.enum)?.includes(`"${member}"`) || s.enum.filter((m) => m.toUpperCase() === member.toUpperCase()).length > 1, true, `${name}: ${member} in capitals`)
        checked++
      }
    }
    assert.ok(checked > 500, `only ${checked} enum members`)
  })

  it('puts the suggestion in the validation hint, for long and short enums alike', async () => {
    assert.deepEqual(await hintsFor(trainingWith('ml.m5.larg')), ['Did you mean "ml.m5.large"?'])
    assert.deepEqual(await hintsFor(trainingWith('ml.m5.large', 'file')), ['Did you mean "File"? Allowed values: Pipe, File, FastFile.'])
    assert.match((await hintsFor(trainingWith('ml.trn1')))[0]!, /^Did you mean one of "ml\.trn1\./)
  })

  it('suggests in a policy\'s allowed_instance_types and against the policy\'s own list', async () => {
    assert.deepEqual(await hintsFor(`policy {\n  allowed_instance_types = ["ml.m5.xlarg"]\n}\n`), ['Did you mean "ml.m5.xlarge"?'])
    const hints = await hintsFor(`policy {\n  allowed_instance_types = ["ml.m5.xlarge"]\n}\n${trainingWith('ml.m5.large')}`)
    assert.deepEqual(hints, ['Did you mean "ml.m5.xlarge"? Use one of the allowed instance types, or add this one to allowed_instance_types in the policy block.'])
  })
})
