// Options shared by both halves of the suite (test/suites.cjs); no spec, so `npx mocha test/x.test.ts` runs one file.
module.exports = require('./test/suites.cjs').common
