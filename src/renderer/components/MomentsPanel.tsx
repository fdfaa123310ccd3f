import { useEffect, useMemo, useRef, useState } from 'react'
import { formatNs } from '../model/playback'
import { momentAt, momentLabel } from '../../shared/moments'
import { useApp, useServices } from '../view/context'
import { goToMoment } from '../view/momentActions'

const ROW = 24
const VISIBLE_ROWS = 12
const OVERSCAN = 6

type Row = { kind: 'group'; key: string; title: string; count: number } | { kind: 'moment'; index: number }

/**
 * The moments worth seeing (src/shared/moments.ts), grouped by cause: each a button that moves the
 * playhead there and highlights its threads; n / p step through them. Only the rows in view are
 * rendered, so thousands of inversions stay cheap.
 */
export function MomentsPanel() {
  const services = useServices()
  const s = useApp((st) => ({
    moments: st.moments,
    groups: st.momentGroups,
    cursor: st.momentCursor,
    result: st.result,
  }))
  const [closed, setClosed] = useState<ReadonlySet<string>>(new Set())
  const [scrollTop, setScrollTop] = useState(0)
  const listRef = useRef<HTMLDivElement>(null)

  const rows = useMemo(() => {
    const out: Row[] = []
    for (const g of s.groups) {
      out.push({ kind: 'group', key: g.key, title: g.title, count: g.indices.length })
      if (!closed.has(g.key)) for (const index of g.indices) out.push({ kind: 'moment', index })
    }
    return out
  }, [s.groups, closed])

  // keep the current moment in view (n / p, or a click)
  useEffect(() => {
    const el = listRef.current
    if (!el || s.cursor < 0) return
    const at = rows.findIndex((r) => r.kind === 'moment' && r.index === s.cursor)
    if (at < 0) return
    const top = at * ROW
    if (top < el.scrollTop || top + ROW > el.scrollTop + el.clientHeight) el.scrollTop = top - ROW * 2
  }, [s.cursor, rows])

  const toggle = (key: string) =>
    setClosed((c) => {
      const next = new Set(c)
      if (next.has(key)) next.delete(key)
      else next.add(key)
      return next
    })

  const first = Math.max(0, Math.floor(scrollTop / ROW) - OVERSCAN)
  const last = Math.min(rows.length, first + VISIBLE_ROWS + 2 * OVERSCAN)
  const moments = s.moments
  return (
    <section className="panel moments" aria-label="Moments">
      <h2>
        Moments {moments && <span className="muted small">{moments.length.toLocaleString()} · n / p to step</span>}
      </h2>
      {!moments ? (
        <p className="muted small">
          {s.result ? 'Finding the moments…' : 'After a run: the moments worth seeing, each one click away.'}
        </p>
      ) : (
        <div
          ref={listRef}
          className="moment-list"
          style={{ height: Math.min(rows.length, VISIBLE_ROWS) * ROW }}
          onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
        >
          <div style={{ height: rows.length * ROW, position: 'relative' }}>
            {rows.slice(first, last).map((r, k) => {
              const top = (first + k) * ROW
              if (r.kind === 'group') {
                return (
                  <button
                    key={`g-${r.key}`}
                    type="button"
                    className="moment-group"
                    style={{ top }}
                    aria-expanded={!closed.has(r.key)}
                    onClick={() => toggle(r.key)}
                  >
                    {closed.has(r.key) ? '▸' : '▾'} {r.title} ({r.count.toLocaleString()})
                  </button>
                )
              }
              const m = momentAt(moments, r.index)!
              const label = momentLabel(m)
              return (
                <button
                  key={r.index}
                  type="button"
                  className={`moment moment-${m.kind}`}
                  style={{ top }}
                  aria-current={s.cursor === r.index ? 'true' : undefined}
                  title={label}
                  onClick={() => goToMoment(services, r.index)}
                >
                  <span className="moment-time">{formatNs(m.tNs)}</span> {label}
                </button>
              )
            })}
          </div>
        </div>
      )}
    </section>
  )
}
