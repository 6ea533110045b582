// `node --import ./bench/cpu-time.mjs ...`: when the process exits, writes its CPU time (user + system, in µs, as
// process.cpuUsage() counts it from the start of the process) to the file named by SAGEFORM_CPU_FILE. CPU time is far
// less sensitive than wall time to other work on a busy machine.
import { writeFileSync } from 'node:fs'

const file = process.env.SAGEFORM_CPU_FILE
if (file) {
  process.on('exit', () => {
    const { user, system } = process.cpuUsage()
    writeFileSync(file, String(user + system))
  })
}
