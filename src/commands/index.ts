// oclif's explicit command strategy: one module lists every command, so startup reads no directory. Ids use ':' even
// though users type 'state list' (topicSeparator ' '): oclif joins the typed words with ':' before looking them up.
import Apply from './apply.js'
import Convert from './convert.js'
import Destroy from './destroy.js'
import Fmt from './fmt.js'
import Help from './help.js'
import ForceUnlock from './force-unlock.js'
import Import from './import.js'
import LocalEndpoint from './local-endpoint.js'
import Logs from './logs.js'
import Output from './output.js'
import Plan from './plan.js'
import Results from './results.js'
import Show from './show.js'
import StateList from './state-list.js'
import StateMv from './state-mv.js'
import StateRm from './state-rm.js'
import StateShow from './state-show.js'
import Validate from './validate.js'
import Watch from './watch.js'

export const COMMANDS = {
  apply: Apply,
  convert: Convert,
  destroy: Destroy,
  fmt: Fmt,
  help: Help,
  'local-endpoint': LocalEndpoint,
  logs: Logs,
  'force-unlock': ForceUnlock,
  import: Import,
  output: Output,
  plan: Plan,
  results: Results,
  show: Show,
  'state:list': StateList,
  'state:mv': StateMv,
  'state:rm': StateRm,
  'state:show': StateShow,
  validate: Validate,
  watch: Watch,
}
