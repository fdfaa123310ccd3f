import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App } from './App'
import { getApi, queryParam } from './bridge'
import { createAnalyser } from './model/analysisClient'
import { RunController } from './model/controller'
import { deferredApi } from './model/deferredApi'
import { createPlayhead } from './model/playback'
import { createAppStore } from './model/store'
import { SweepController } from './model/sweepController'
import { Timeline } from './model/timeline'
import { analysisWorker } from './view/analysisWorker'
import { createOfflineApi, installBenchHook } from './view/bench'
import { ServicesContext, type AppServices } from './view/context'
import { startIdleWork } from './view/idleWork'
import { installPlaybackLoop } from './view/playbackActions'
import { RafScheduler } from './view/raf'
import './styles.css'

const bench = queryParam('bench')
const store = createAppStore()
const raf = new RafScheduler()
const playhead = createPlayhead()
const api = bench === 'replay' ? createOfflineApi() : deferredApi(getApi())
const controller = new RunController(api, store, (cb) => raf.nextFrame(cb), createAnalyser(analysisWorker))
const sweep = new SweepController(
  api,
  () => store.getState().caps,
  (cb) => raf.nextFrame(cb),
)
const timeline = new Timeline()
const services: AppServices = { store, controller, playhead, raf, sweep, timeline }
if (bench === 'replay') installBenchHook({ store, raf, playhead, timeline, controller: () => controller })
installPlaybackLoop(services)
// fonts, painters and the input's order by value, ready before Run is pressed
startIdleWork(store)
void controller.loadCapabilities()
// a file named on Electron's command line: a run file opens as the run, other files fill the list
api.onOpenFile((file) => controller.openHostFile(file))

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ServicesContext.Provider value={services}>
      <App />
    </ServicesContext.Provider>
  </StrictMode>,
)
