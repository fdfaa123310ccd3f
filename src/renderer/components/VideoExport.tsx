import { useEffect, useRef, useState } from 'react'
import { useServices } from '../view/context'
import { downloadBlob } from '../view/download'
import { TITLE_MS } from '../model/videoPlan'
import type { VideoJob } from '../view/exportVideo'

/** WebCodecs' encoder: in Chromium since 94 and in every Electron this app supports. */
const videoSupported = () => typeof VideoEncoder !== 'undefined' && typeof VideoFrame !== 'undefined'

/**
 * `Export video…` with its progress and Cancel; the WebM downloads when the replay has been encoded.
 * The encoder and the WebM writer load on first use: the app starts without them.
 */
export function VideoExport({ disabled, onDone }: { disabled: boolean; onDone: (note: string) => void }) {
  const services = useServices()
  const [job, setJob] = useState<VideoJob | null>(null)
  const [share, setShare] = useState(0)
  const jobRef = useRef<VideoJob | null>(null)
  const [loading, setLoading] = useState(false)
  useEffect(() => () => jobRef.current?.cancel(), [])

  const start = async () => {
    let j: VideoJob
    setLoading(true)
    try {
      const { exportVideo } = await import('../view/exportVideo')
      j = exportVideo(services, (x) => setShare(x))
    } catch (e) {
      onDone(`could not export the video: ${(e as Error).message}`)
      return
    } finally {
      setLoading(false)
    }
    jobRef.current = j
    setJob(j)
    setShare(0)
    const name = `${services.controller.fileBase()}.webm`
    j.done
      .then((blob) => {
        if (!blob) return onDone('video export cancelled')
        downloadBlob(name, blob)
        const p = j.plan
        onDone(
          `exported ${name} (${(p.totalMs / 1000).toFixed(3)} s: ${TITLE_MS / 1000} s title + ${(p.replayMs / 1000).toFixed(3)} s replay at ${p.speed}×)`,
        )
      })
      .catch((e: Error) => onDone(`could not export the video: ${e.message}`))
      .finally(() => {
        jobRef.current = null
        setJob(null)
      })
  }

  if (job) {
    return (
      <span className="video-export">
        <progress max={1} value={share} aria-label="Video export" />
        <button type="button" onClick={() => job.cancel()}>
          Cancel video
        </button>
      </span>
    )
  }
  return (
    <button
      type="button"
      disabled={disabled || loading || !videoSupported()}
      onClick={() => void start()}
      title="Record the replay (vector and lanes, at the chosen speed and zoom) to a WebM video"
    >
      Export video…
    </button>
  )
}
