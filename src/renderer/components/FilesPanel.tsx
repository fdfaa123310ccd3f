import { useEffect, useRef, useState } from 'react'
import type { Outcome, RunRequest } from '../../shared/api'
import { RUN_FILE_EXTENSION } from '../../shared/runfile'
import { useApp, useServices } from '../view/context'
import { downloadBlob, downloadBytes } from '../view/download'
import { exportPng, exportSvg } from '../view/exportImage'
import { deliver, looksLikeRunFile, openRunFile } from '../view/runFileActions'
import { VideoExport } from './VideoExport'

/**
 * Run files and exports: `Save run…` (a finished or cancelled run as .threadlab), `Open run…`
 * (also Ctrl/⌘+O and dropping a .threadlab file on the window), and the trace, CSV, PNG and SVG
 * exports of the run on screen. A file that cannot be opened is named in the alert; the run on
 * screen stays as it was.
 */
export function FilesPanel({ modKey }: { modKey: string }) {
  const services = useServices()
  const { controller, store } = services
  // re-render when the run changes phase or data (canSave / canExport read the controller)
  const { fileError } = useApp((st) => ({
    phase: st.phase,
    dataVersion: st.dataVersion,
    request: st.request,
    result: st.result,
    fileError: st.fileError,
  }))
  const inputRef = useRef<HTMLInputElement>(null)
  const sectionRef = useRef<HTMLElement>(null)
  const [note, setNote] = useState<string | null>(null)
  const canSave = controller.canSave()
  const canExport = controller.canExport()

  const report = (out: Outcome<string>, what: string) => {
    if (out.ok) {
      store.getState().setFileError(null)
      setNote(`${what} ${out.value}`)
    } else {
      store
        .getState()
        .setFileError({ code: out.error.code, message: `could not ${what.replace(/ed$/, '')}: ${out.error.message}` })
    }
  }

  const open = async (file: File) => {
    if (await openRunFile(controller, file)) setNote(`opened ${file.name}`)
    else setNote(null)
  }

  const actions = useRef({ save: () => {}, chooseFile: () => {}, open })
  actions.current = {
    save: () => {
      if (controller.canSave()) report(deliver(controller.saveRun()), 'saved')
    },
    chooseFile: () => inputRef.current?.click(),
    open,
  }

  // Ctrl/⌘+S saves, Ctrl/⌘+O opens; a file dropped anywhere but the Numbers box opens as a run
  useEffect(() => {
    // only while the run view (this panel) is on screen: another view has its own keys and drops
    const shown = () => !!sectionRef.current && sectionRef.current.getClientRects().length > 0
    const onKey = (e: KeyboardEvent) => {
      if (!(e.ctrlKey || e.metaKey) || e.altKey || e.shiftKey || !shown()) return
      const key = e.key.toLowerCase()
      if (key === 's') {
        e.preventDefault()
        actions.current.save()
      } else if (key === 'o') {
        e.preventDefault()
        actions.current.chooseFile()
      }
    }
    const hasFiles = (e: DragEvent) => !!e.dataTransfer && Array.from(e.dataTransfer.types).includes('Files')
    const onDragOver = (e: DragEvent) => {
      if (!hasFiles(e) || !shown()) return
      e.preventDefault()
      if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy'
    }
    const onDrop = (e: DragEvent) => {
      // the Numbers box took it (a list, or a run it recognised) and said so
      if (e.defaultPrevented || !hasFiles(e) || !shown()) return
      e.preventDefault()
      const file = e.dataTransfer?.files[0]
      if (!file) return
      void (async () => {
        if (await looksLikeRunFile(file)) await actions.current.open(file)
        else
          controller.refuseFile(file.name, {
            code: 'E_NOT_A_RUN',
            message: `this is not a Threadlab run file: drop a ${RUN_FILE_EXTENSION} file on the window, or a number list on the Numbers box`,
          })
      })()
    }
    document.addEventListener('keydown', onKey)
    document.addEventListener('dragover', onDragOver)
    document.addEventListener('drop', onDrop)
    return () => {
      document.removeEventListener('keydown', onKey)
      document.removeEventListener('dragover', onDragOver)
      document.removeEventListener('drop', onDrop)
    }
  }, [controller])

  const exportImage = async (kind: 'png' | 'svg') => {
    const name = `${controller.fileBase()}.${kind}`
    const title = describeRun(store.getState().request, name)
    if (kind === 'svg') {
      downloadBytes(name, exportSvg(services, title), 'image/svg+xml')
      report({ ok: true, value: name }, 'exported')
      return
    }
    const blob = await exportPng(services, title)
    if (!blob)
      return report({ ok: false, error: { code: 'E_NO_VIEW', message: 'no view is on screen to export' } }, 'export')
    downloadBlob(name, blob)
    report({ ok: true, value: name }, 'exported')
  }

  return (
    <section className="panel files" aria-label="Run file" ref={sectionRef}>
      <h2>Run file</h2>
      <div className="buttons">
        <button
          type="button"
          onClick={() => actions.current.save()}
          disabled={!canSave}
          title={`Save the run with every event (${modKey}+S)`}
        >
          Save run…
        </button>
        <label
          className="file-button"
          title={`Open a saved ${RUN_FILE_EXTENSION} run and replay it (${modKey}+O, or drop it on the window)`}
        >
          Open run…
          <input
            ref={inputRef}
            type="file"
            className="visually-hidden"
            accept={`${RUN_FILE_EXTENSION},application/x-threadlab-run`}
            onChange={(e) => {
              const f = e.target.files?.[0]
              e.target.value = ''
              if (f) void open(f)
            }}
          />
        </label>
      </div>
      <div className="buttons export-buttons" role="group" aria-label="Export">
        <button
          type="button"
          disabled={!canExport}
          onClick={() => report(deliver(controller.exportTrace()), 'exported')}
          title="Chrome Trace JSON for Perfetto or chrome://tracing"
        >
          Export trace…
        </button>
        <button
          type="button"
          disabled={!canExport}
          onClick={() => report(deliver(controller.exportCsv()), 'exported')}
          title="One row per thread (sleep sort) or per chunk (parallel sum)"
        >
          Export CSV…
        </button>
        <button
          type="button"
          disabled={!canExport}
          onClick={() => void exportImage('png')}
          title="The vector and the lanes as on screen"
        >
          Export PNG…
        </button>
        <button
          type="button"
          disabled={!canExport}
          onClick={() => void exportImage('svg')}
          title="The vector and the lanes at the current zoom, as vector graphics"
        >
          Export SVG…
        </button>
        <VideoExport disabled={!canExport} onDone={setNote} />
      </div>
      {/* the one `alert` (in the input panel) announces it; this copy is where the eyes are */}
      {fileError ? (
        <p className="file-error small" aria-hidden="true">
          {fileError.message} ({fileError.code})
        </p>
      ) : (
        note && (
          <p className="muted small file-note" role="status">
            {note}
          </p>
        )
      )}
    </section>
  )
}

function describeRun(r: RunRequest | null, name: string): string {
  if (!r) return `Threadlab · ${name}`
  const count = r.values.length.toLocaleString('en-US')
  return r.experiment === 'sleep-sort'
    ? `Threadlab sleep sort · ${count} threads · ${r.mode} · ${r.unitMs} ms per unit`
    : `Threadlab parallel sum · ${count} values${r.threads ? ` · ${r.threads} threads` : ''}${r.unitMs ? ` · ${r.unitMs} ms per element` : ''}`
}
