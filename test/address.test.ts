// Resource and instance addresses: parsing what users type, the canonical spelling, and the tag-safe form.
import assert from 'node:assert/strict'
import { addressFromTag, addressTag, filterMatches, normalizeAddress, parseAddress } from '../src/config/address.js'

describe('addresses', () => {
  const parsed: Array<[string, unknown]> = [
    ['sagemaker_training_job.a', { type: 'sagemaker_training_job', name: 'a' }],
    ['sagemaker_training_job.a[3]', { type: 'sagemaker_training_job', name: 'a', key: 3 }],
    ['sagemaker_training_job.a["x y"]', { type: 'sagemaker_training_job', name: 'a', key: 'x y' }],
    [' sagemaker_training_job.a[ "q\\"r" ] ', { type: 'sagemaker_training_job', name: 'a', key: 'q"r' }],
    ['sagemaker_training_job.a[x]', undefined],
    ['sagemaker_training_job', undefined],
    ['a.b.c', undefined],
  ]
  for (const [text, expected] of parsed) it(`parses ${text}`, () => assert.deepEqual(parseAddress(text), expected))

  it('normalizes what a shell leaves of an address', () => assert.equal(normalizeAddress('sagemaker_training_job.a[ "k" ]'), 'sagemaker_training_job.a["k"]'))

  it('a filter names a type, a resource with all its instances, or one instance', () => {
    const address = 'sagemaker_training_job.a["k"]'
    assert.deepEqual(['sagemaker_training_job', 'sagemaker_training_job.a', 'sagemaker_training_job.a["k"]', 'sagemaker_training_job.a["j"]', 'sagemaker_training_job.ab'].map((f) => filterMatches(address, f)), [true, true, true, false, false])
  })

  it('writes instance addresses into tags with only the characters SageMaker allows, and reads them back', () => {
    const allowed = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u
    for (const address of ['sagemaker_training_job.a', 'sagemaker_training_job.a[12]', 'sagemaker_training_job.a["small"]', 'sagemaker_training_job.a["big one"]', 'sagemaker_training_job.a["a=b@c\\"[]{}é"]']) {
      const tag = addressTag(address)
      assert.match(tag, allowed, tag)
      assert.equal(addressFromTag(tag), address)
    }
    assert.equal(addressTag('sagemaker_training_job.a[12]'), 'sagemaker_training_job.a/12')
    assert.equal(addressTag('sagemaker_training_job.a["big one"]'), 'sagemaker_training_job.a=big@20@one')
  })
})
