// Which client a worker-thread refresh may stand in for: the worker's client is built before the configuration is read,
// from the flags and the SDK's default chain only (services/setup/refresh.ts); the provider block decides whether that is
// the client connect() would build. The end-to-end behaviour is in refresh-worker.test.ts.
import assert from 'node:assert/strict'
import { clientOptions, providerChangesClient } from '../src/services/setup/connection.js'

describe('the refresh worker\'s client against the provider block', () => {
  it('is the one connect() builds when the provider block sets nothing the flags do not already override', () => {
    assert.equal(providerChangesClient({}, {}), false)
    assert.equal(providerChangesClient({ region: 'eu-west-1', profile: 'ci' }, { region: 'us-east-1', profile: 'dev' }), false)
    assert.equal(providerChangesClient({ region: 'eu-west-1' }, { region: '' }), false, 'an empty region is no region')
    assert.equal(providerChangesClient({}, { region: '' }), false)
  })

  it('is not when the provider block names a region, a profile or an endpoint the flags leave to it', () => {
    assert.equal(providerChangesClient({}, { region: 'us-east-1' }), true)
    assert.equal(providerChangesClient({ region: 'us-east-1' }, { profile: 'dev' }), true)
    assert.equal(providerChangesClient({ region: 'us-east-1', profile: 'dev' }, { endpoint: 'http://127.0.0.1:4566' }), true, 'no flag sets the endpoint')
  })

  it('flags override the provider block, which overrides the SDK\'s chain (absent settings)', () => {
    assert.deepEqual(clientOptions({ region: 'eu-west-1' }, { region: 'us-east-1', profile: 'dev', endpoint: 'http://localhost:1' }), { region: 'eu-west-1', profile: 'dev', endpoint: 'http://localhost:1' })
    assert.deepEqual(clientOptions({}, {}), { region: undefined, profile: undefined, endpoint: undefined })
  })
})
