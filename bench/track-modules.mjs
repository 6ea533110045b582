// `node --import ./bench/track-modules.mjs ...`: appends to the file named by SAGEFORM_TRACK_MODULES the URL of every
// module resolved under node_modules/ink or node_modules/react, so a bench or a test can tell whether a command
// loaded the live view's libraries. Without the variable it records nothing.
import { register } from 'node:module'

if (process.env.SAGEFORM_TRACK_MODULES) register('./track-modules-hooks.mjs', import.meta.url)
