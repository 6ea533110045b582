// oclif's explicit command strategy: one module lists every command, so startup reads no directory.
import Plan from './plan.js'
import Validate from './validate.js'

export const COMMANDS = {
  plan: Plan,
  validate: Validate,
}
