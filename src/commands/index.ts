// oclif's explicit command strategy: one module lists every command, so startup reads no directory.
import Validate from './validate.js'

export const COMMANDS = {
  validate: Validate,
}
