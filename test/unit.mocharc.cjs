// npm run test:unit: every test file not listed as end-to-end in test/suites.cjs.
const { common, e2e } = require('./suites.cjs')
module.exports = { ...common, timeout: 20_000, spec: ['test/**/*.test.ts'], ignore: e2e }
