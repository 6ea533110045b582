// The architecture rule of eslint.config.js (sageform/layers), run as `npm run lint` runs it, on small snippets placed
// in the folders they would live in: each rule is shown catching a violation, and the allowed direction passing.
import assert from 'node:assert/strict'
import { ESLint } from 'eslint'

describe('lint: the layer rule', function () {
  this.timeout(60_000)
  let eslint: ESLint
  before(() => {
    eslint = new ESLint({ cwd: process.cwd() })
  })

  /** The layer rule's messages for `code` as the file `file` (relative to the repository). */
  async function layerMessages(file: string, code: string): Promise<string[]> {
    const [result] = await eslint.lintText(code, { filePath: file })
    return result!.messages.filter((m) => m.ruleId === 'sageform/layers').map((m) => m.message)
  }

  const cases: Array<[string, string, string, RegExp]> = [
    ['an import of a higher layer', 'src/config/x.ts', "import { plan } from '../planner/planner.js'\nexport const y = plan", /src\/config must not depend on the higher layer src\/planner/],
    ['the planner importing state (even a type)', 'src/planner/x.ts', "import type { Lock } from '../state/lock.js'\nexport type Y = Lock", /src\/planner must not depend on the higher layer src\/state/],
    ['the planner importing sagemaker', 'src/planner/x.ts', "import type { SageMakerApi } from '../sagemaker/types.js'\nexport type Y = SageMakerApi", /src\/planner must not depend on the higher layer src\/sagemaker/],
    ['a sibling on the same tier', 'src/state/x.ts', "import { createSageMakerClient } from '../sagemaker/client.js'\nexport const y = createSageMakerClient", /src\/state must not depend on its sibling layer src\/sagemaker/],
    ['a dynamic import()', 'src/services/x.ts', "export const y = () => import('../ui/plan.js')", /src\/services must not depend on the higher layer src\/ui/],
    ['a dynamic import() whose specifier is computed', 'src/services/x.ts', "export const y = (name: string) => import(`../ui/${name}.js`)", /needs a literal specifier/],
    ['a re-export', 'src/apply/x.ts', "export * from '../services/plan.js'", /src\/apply must not depend on the higher layer src\/services/],
    ['a named re-export', 'src/apply/x.ts', "export { planService } from '../services/plan.js'", /src\/apply must not depend on the higher layer src\/services/],
    ['an import type in a type position', 'src/model/x.ts', "export type Y = typeof import('../apply/engine.js')", /src\/model must not depend on the higher layer src\/apply/],
    ['src/cli.ts imported from below', 'src/commands/x.ts', "export const y = () => import('../cli.js')", /src\/commands must not depend on the higher layer src\/cli\.ts/],
    ['the shared setup importing a command service', 'src/services/setup/x.ts', "import { planService } from '../plan.js'\nexport const y = planService", /src\/services\/setup must not depend on the higher layer src\/services\./],
    ['the watch model importing a service', 'src/watch/x.ts', "import type { WatchPayload } from '../services/watch.js'\nexport type Y = WatchPayload", /src\/watch must not depend on the higher layer src\/services/],
    ['node:fs in the watch model', 'src/watch/x.ts', "import { readFileSync } from 'node:fs'\nexport const y = readFileSync", /src\/watch is pure/],
    ['a folder missing from the layer list', 'src/extras/x.ts', "export const y = 1\nimport '../util/pool.js'", /src\/extras is not in the layer list/],
    ['node:fs in the planner', 'src/planner/x.ts', "import { readFileSync } from 'node:fs'\nexport const y = readFileSync", /src\/planner is pure: no file or process I\/O \(node:fs\)/],
    ['node:fs/promises in plan', 'src/plan/x.ts', "export const y = () => import('node:fs/promises')", /src\/plan is pure.*node:fs\/promises/],
    ['fs without the node: prefix in model', 'src/model/x.ts', "import fs from 'fs'\nexport const y = fs", /src\/model is pure.*\(fs\)/],
    ['node:child_process in model', 'src/model/x.ts', "import { spawn } from 'node:child_process'\nexport const y = spawn", /src\/model is pure.*child_process/],
    ['the AWS SDK outside src/sagemaker', 'src/services/x.ts', "import { SageMakerClient } from '@aws-sdk/client-sagemaker'\nexport const y = SageMakerClient", /Only src\/sagemaker talks to the AWS SDK/],
    ['ink outside src/ui, lazily', 'src/commands/x.ts', "export const y = () => import('ink')", /Only src\/ui loads ink and react/],
    ['react outside src/ui', 'src/services/x.ts', "import React from 'react'\nexport const y = React", /Only src\/ui loads ink and react/],
  ]
  for (const [what, file, code, expected] of cases) {
    it(`catches ${what}`, async () => {
      const messages = await layerMessages(file, code)
      assert.equal(messages.length, 1, `expected one layer error for ${file}, got ${JSON.stringify(messages)}`)
      assert.match(messages[0]!, expected)
    })
  }

  const allowed: Array<[string, string, string]> = [
    ['a lower layer, statically and lazily', 'src/services/x.ts', "import { plan } from '../planner/planner.js'\nexport const y = [plan, () => import('../sagemaker/client.js')]"],
    ['the planner using the model and plan layers', 'src/planner/x.ts', "import type { State } from '../model/state.js'\nimport type { Plan } from '../plan/types.js'\nexport type Y = [State, Plan]"],
    ['a command service using the shared setup', 'src/services/x.ts', "import { loadConfiguration } from './setup/configuration.js'\nexport const y = loadConfiguration"],
    ['src/ui reading the watch model', 'src/ui/x.ts', "import type { WatchSnapshot } from '../watch/model.js'\nexport type Y = WatchSnapshot"],
    ['file I/O in state', 'src/state/x.ts', "import { readFileSync } from 'node:fs'\nexport const y = readFileSync"],
    ['the AWS SDK in src/sagemaker', 'src/sagemaker/x.ts', "import { SageMakerClient } from '@aws-sdk/client-sagemaker'\nexport const y = SageMakerClient"],
    ['ink in src/ui', 'src/ui/x.ts', "export const y = () => import('ink')"],
    ['src/cli.ts at the top', 'src/cli.ts', "import { COMMANDS } from './commands/index.js'\nexport const y = COMMANDS"],
  ]
  for (const [what, file, code] of allowed) {
    it(`allows ${what}`, async () => {
      assert.deepEqual(await layerMessages(file, code), [])
    })
  }
})
