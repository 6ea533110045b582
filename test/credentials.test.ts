import assert from 'node:assert/strict'
import { credentialKind, redactCredentials } from '../src/util/credentials.js'
import { renderDiagnostic } from '../src/ui/diagnostics.js'
import { makeStyle } from '../src/ui/style.js'

const ACCESS_KEY = 'AKIAIOSFODNN7EXAMPLE'
const SECRET_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'

describe('credential detection', () => {
  const found: Array<[string, string]> = [
    [ACCESS_KEY, 'AWS access key id'],
    [`x_${ACCESS_KEY}`, 'AWS access key id'],
    [`prefix${ACCESS_KEY}suffix`, 'AWS access key id'],
    [`AWS_ACCESS_KEY_ID=${ACCESS_KEY}`, 'AWS access key id'],
    ['ASIAY34FZKBOKMUTVV7A', 'AWS access key id'],
    [SECRET_KEY, 'AWS secret access key'],
    [`AWS_SECRET_ACCESS_KEY=${SECRET_KEY}`, 'AWS secret access key'],
    [`aws_secret_access_key: ${SECRET_KEY}`, 'AWS secret access key'],
    [`{"secret":"${SECRET_KEY}"}`, 'AWS secret access key'],
    [`PATH=/usr/bin\0AWS_SECRET_ACCESS_KEY=${SECRET_KEY}\0HOME=/root`, 'AWS secret access key'],
    [`x_${SECRET_KEY}`, 'AWS secret access key'],
    ['ghp_0123456789abcdefghijABCDEFGHIJ012345', 'GitHub token'],
    ['github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTU', 'GitHub token'],
    ['xoxb-1234567890-1234567890123-ExampleExampleExample0', 'Slack token'],
    ['xoxb-abcdefghij', 'Slack token'], // the shortest text any pattern matches (findCredentials skips shorter ones)
    ['https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX', 'Slack token'],
    ['-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----', 'private key'],
    ['-----BEGIN PRIVATE KEY-----\nMIIEvQ', 'private key'],
  ]
  for (const [text, kind] of found) it(`finds ${kind} in ${JSON.stringify(text.slice(0, 40))}`, () => assert.equal(credentialKind(text), kind))

  const clean = [
    '0123456789abcdef0123456789abcdef01234567', // a git SHA: hex
    'QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAxMjM0NTY3ODk=', // base64 data
    's3://acme-ml-data/churn/train/',
    'arn:aws:iam::123456789012:role/SageMakerExecutionRole',
    'binary:logistic',
    '-----BEGIN PUBLIC KEY-----',
  ]
  for (const text of clean) it(`leaves ${JSON.stringify(text.slice(0, 40))} alone`, () => assert.equal(credentialKind(text), undefined))

  it('redacts every credential of a line and nothing else', () => {
    assert.equal(redactCredentials(`A=${ACCESS_KEY} B="${SECRET_KEY}" C=ok`), 'A=*** B="***" C=ok')
  })

  it('a diagnostic never shows the credential on its source line', () => {
    const source = `resource "x" "y" {\n  environment = { K = "AWS_SECRET_ACCESS_KEY=${SECRET_KEY}" }\n}\n`
    const range = { file: 'main.hcl', start: { line: 2, column: 23, byte: 0 }, end: { line: 2, column: 70, byte: 0 } }
    const text = renderDiagnostic({ severity: 'error', summary: 'Credential in a plain-text field', range }, makeStyle(false), () => source)
    assert.ok(!text.includes(SECRET_KEY), text)
    assert.match(text, /K = "AWS_SECRET_ACCESS_KEY=\*\*\*"/)
  })
})
