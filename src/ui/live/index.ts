// The door to the live view. ink and react (about a second to import) are loaded here, by a dynamic import, and only
// when a live view is actually drawn: nothing imports ./view.js statically, so validate, plan and --help never pay.
import type { WatchSnapshot } from '../../watch/model.js'
import type { LiveView } from './view.js'

export type { LiveView } from './view.js'

export async function startLiveView(stdout: NodeJS.WriteStream, first: WatchSnapshot): Promise<LiveView> {
  const { mountLiveView } = await import('./view.js')
  return mountLiveView(stdout, first)
}
