import fc from 'fast-check'
import { deflateSync } from 'fflate'
import { describe, expect, it } from 'vitest'
import type { ParallelSumResult, SleepSortResult } from '../../src/shared/api'
import { attributeCauses, causeCounts } from '../../src/shared/attribution'
import { EventColumns } from '../../src/shared/columns'
import { EventKind } from '../../src/shared/events'
import {
  canonicalJson,
  crc32,
  decodeRunFile,
  encodeRunFile,
  RUN_FILE_LIMITS,
  RUN_FILE_MAGIC,
  RUN_FILE_VERSION,
  type SavedRun,
} from '../../src/shared/runfile'
import { latenessArray, orderStats, percentiles } from '../../src/shared/stats'
import { buildThreadTable } from '../../src/shared/threads'
import { diffRuns } from '../../src/shared/rundiff'
import { machine as savedMachine, sleepRun } from './helpers/savedRun'
import { simulateParallelSum } from './helpers/sim'

const machine = savedMachine

function sumRun(): SavedRun {
  const values = Array.from({ length: 40 }, (_, i) => i * 3 - 7)
  const sim = simulateParallelSum(values, 4)
  const result: ParallelSumResult = {
    experiment: 'parallel-sum',
    runId: 3,
    sum: String(values.reduce((a, b) => a + b, 0)),
    kind: 'integer',
    partials: sim.partials.map(String),
    threads: 4,
    chunkSizes: sim.chunkSizes,
    wallMs: 1,
    exact: true,
    cancelled: false,
    eventCount: sim.cols.length,
  }
  return {
    request: { experiment: 'parallel-sum', values, threads: 4 },
    result,
    machine,
    created: '2025-01-02T00:00:00Z',
    appVersion: '0.1.0',
    events: sim.cols,
  }
}

function columnsOf(c: EventColumns) {
  return {
    kind: Array.from(c.kind.subarray(0, c.length)),
    worker: Array.from(c.worker.subarray(0, c.length)),
    tNs: Array.from(c.tNs.subarray(0, c.length)),
    arg: Array.from(c.arg.subarray(0, c.length)),
  }
}

function decodeOk(bytes: Uint8Array): SavedRun {
  const r = decodeRunFile(bytes)
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`)
  return r.value
}

const codeOf = (bytes: Uint8Array) => {
  const r = decodeRunFile(bytes)
  return r.ok ? 'OK' : r.error.code
}

const small = encodeRunFile(sleepRun([5, 1, 2, 6, 8, 2, 4, 2, 3, 8, 0, 2], { lateNs: (w) => (w === 6 ? 3e6 : 0) }))

describe('run file layout', () => {
  it('starts with the magic and version, ends with a CRC of the rest', () => {
    expect(String.fromCharCode(...small.subarray(0, 10))).toBe(RUN_FILE_MAGIC)
    const view = new DataView(small.buffer, small.byteOffset)
    expect(view.getUint16(10, true)).toBe(RUN_FILE_VERSION)
    const headerLength = view.getUint32(12, true)
    const header = JSON.parse(new TextDecoder().decode(small.subarray(16, 16 + headerLength)))
    expect(Object.keys(header)).toEqual([
      'appVersion',
      'created',
      'eventCount',
      'format',
      'machine',
      'request',
      'result',
    ])
    expect(header.eventCount).toBe(12 * 8)
    expect(view.getUint32(small.length - 4, true)).toBe(crc32(small.subarray(0, small.length - 4)))
  })

  it('crc32 matches the standard check value', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926)
    expect(crc32(new Uint8Array())).toBe(0)
  })

  it('canonical JSON sorts keys, drops undefined and functions, keeps non-finite numbers, writes bigints and dates as text', () => {
    expect(
      canonicalJson({ b: 1, a: [1, undefined, NaN], c: undefined, d: { z: -Infinity, y: new Float64Array([1.5]) } }),
    ).toBe('{"a":[1,null,{"$nonFinite":"NaN"}],"b":1,"d":{"y":[1.5],"z":{"$nonFinite":"-Infinity"}}}')
    expect(canonicalJson({ big: 2n ** 70n, at: new Date(0), f: () => 1, list: [Symbol('s')] })).toBe(
      '{"at":"1970-01-01T00:00:00.000Z","big":"1180591620717411303424","list":[null]}',
    )
    // as JSON.stringify: a function or symbol in a list is null, as a member it is left out
    expect(canonicalJson([() => 1, Symbol('s'), undefined])).toBe('[null,null,null]')
    expect(canonicalJson({ s: Symbol('s'), f() {}, b: 1 })).toBe('{"b":1}')
  })

  it('canonical JSON escapes an object shaped like a tag, and only such an object', () => {
    expect(canonicalJson({ $escaped: 1 })).toBe('{"$escaped":{"$escaped":1}}')
    expect(canonicalJson({ $nonFinite: 'NaN' })).toBe('{"$escaped":{"$nonFinite":"NaN"}}')
    // two keys: not a tag, nothing to escape
    expect(canonicalJson({ $nonFinite: 'NaN', y: 1 })).toBe('{"$nonFinite":"NaN","y":1}')
    expect(canonicalJson({ $escaped: 1, y: 1 })).toBe('{"$escaped":1,"y":1}')
  })
})

describe('round trip', () => {
  it('gives back what was saved, and nothing more: options and a saved diff when present, no such keys when not', () => {
    const run = sleepRun([2, 1])
    const plain = decodeRunFile(encodeRunFile(run))
    if (!plain.ok) throw new Error(plain.error.message)
    expect(Object.keys(plain.value).sort()).toEqual(['appVersion', 'created', 'events', 'machine', 'request', 'result'])
    const compared = diffRuns({ label: 'classic', ...run }, { label: 'realtime', ...run })
    if (!compared.ok) throw new Error(compared.message)
    // tag-shaped objects in the options come back as the objects they were
    const options = {
      speed: 2,
      odd: { $nonFinite: 'NaN', y: 1 },
      odder: { $escaped: { y: 1 }, z: 2 },
      tagLike: { $escaped: 3 },
    }
    const full = decodeRunFile(encodeRunFile({ ...run, options, diff: compared.diff }))
    if (!full.ok) throw new Error(full.error.message)
    expect(full.value.options).toEqual(options)
    expect(full.value.diff).toEqual(compared.diff)
  })

  it('keeps a sleep-sort run, NaN percentiles included', () => {
    const run = sleepRun([3, 1, 2], { cancelAtNs: 1.5e6 })
    run.options = { replaySpeed: 0.25, lanes: 'by-value' }
    expect(Number.isNaN((run.result as SleepSortResult).lockWaitNs.p50)).toBe(false)
    ;(run.result as SleepSortResult).latenessNs = { p50: NaN, p99: Infinity, max: -Infinity }
    const back = decodeOk(encodeRunFile(run))
    expect(back.request).toEqual(run.request)
    expect(back.result).toEqual(run.result)
    expect(back.machine).toEqual(machine)
    expect(back.options).toEqual(run.options)
    expect(back.created).toBe(run.created)
    expect(columnsOf(back.events)).toEqual(columnsOf(run.events))
  })

  it('keeps a parallel-sum run and a run without result or events', () => {
    const run = sumRun()
    const back = decodeOk(encodeRunFile(run))
    expect(back.result).toEqual(run.result)
    expect(columnsOf(back.events)).toEqual(columnsOf(run.events))
    const empty: SavedRun = { ...run, result: null, events: new EventColumns(0) }
    const e = decodeOk(encodeRunFile(empty))
    expect(e.result).toBeNull()
    expect(e.events.length).toBe(0)
    expect(e.options).toBeUndefined()
  })

  it('encodes deterministically regardless of key order', () => {
    const a = sleepRun([2, 1])
    const b: SavedRun = {
      events: a.events,
      appVersion: a.appVersion,
      created: a.created,
      machine: { realtimeAllowed: false, timerSlackNs: 50_000, os: machine.os, cpus: 2 },
      result: a.result,
      request: a.request,
    }
    expect(encodeRunFile(b)).toEqual(encodeRunFile(a))
  })

  it('property: save → open → save is byte-identical and keeps the stats', () => {
    const arb = fc.record({
      values: fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 1, maxLength: 60 }),
      mode: fc.constantFrom('classic' as const, 'scheduled' as const),
      late: fc.array(fc.integer({ min: 0, max: 4e6 }), { minLength: 60, maxLength: 60 }),
      cancel: fc.option(fc.integer({ min: 0, max: 60e6 }), { nil: undefined }),
      created: fc.date({ min: new Date(0), max: new Date(4e12), noInvalidDate: true }).map((d) => d.toISOString()),
      os: fc.string(),
    })
    fc.assert(
      fc.property(arb, (r) => {
        const run = sleepRun(
          r.values,
          { mode: r.mode, lateNs: (w) => r.late[w], cancelAtNs: r.cancel, spawnGapNs: 200_000 },
          r.created,
        )
        run.machine = { ...machine, os: r.os.replace(/[\uD800-\uDFFF]/g, '') }
        const bytes = encodeRunFile(run)
        const back = decodeOk(bytes)
        expect(encodeRunFile(back)).toEqual(bytes)
        const res = back.result as SleepSortResult
        const table = buildThreadTable(back.events, back.request.values.length)
        const input = { values: back.request.values, unitMs: res.unitMs, mode: res.mode, output: res.output, table }
        const orig = {
          ...input,
          values: r.values,
          output: (run.result as SleepSortResult).output,
          table: buildThreadTable(run.events, r.values.length),
        }
        expect(orderStats(res.output, back.request.values)).toEqual(orderStats(orig.output, r.values))
        expect(percentiles(latenessArray(table))).toEqual(percentiles(latenessArray(orig.table)))
        expect(causeCounts(attributeCauses(input))).toEqual(causeCounts(attributeCauses(orig)))
      }),
      { numRuns: 60 },
    )
  })

  it('property: arbitrary columns survive bit for bit', () => {
    const ev = fc.tuple(
      fc.integer({ min: 0, max: 12 }),
      fc.integer({ min: 0, max: 0xffffffff }),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.double(),
    )
    fc.assert(
      fc.property(fc.array(ev, { maxLength: 300 }), (rows) => {
        const cols = new EventColumns(1)
        for (const [k, w, t, a] of rows) cols.push(k as EventKind, w, t, a)
        const run = { ...sumRun(), events: cols }
        const bytes = encodeRunFile(run)
        const back = decodeOk(bytes)
        expect(back.events.length).toBe(rows.length)
        for (let i = 0; i < rows.length; i++) {
          expect(Object.is(back.events.tNs[i], cols.tNs[i])).toBe(true)
          expect(Object.is(back.events.arg[i], cols.arg[i])).toBe(true)
        }
        expect(encodeRunFile(back)).toEqual(bytes)
      }),
      { numRuns: 50 },
    )
  })

  it('accepts a subarray view at any offset', () => {
    const padded = new Uint8Array(small.length + 3)
    padded.set(small, 3)
    expect(codeOf(padded.subarray(3))).toBe('OK')
  })
})

describe('damaged and foreign files', () => {
  it('rejects every truncation', () => {
    for (let n = 1; n < small.length; n++) {
      const code = codeOf(small.slice(0, n))
      expect(['E_TRUNCATED', 'E_CORRUPT'], `truncated to ${n}`).toContain(code)
    }
    expect(codeOf(small.slice(0, 3))).toBe('E_TRUNCATED')
  })

  it('rejects extra bytes after the checksum', () => {
    const longer = new Uint8Array(small.length + 1)
    longer.set(small)
    expect(codeOf(longer)).toBe('E_CORRUPT')
  })

  it('detects every single-byte flip', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: small.length - 1 }), fc.integer({ min: 1, max: 255 }), (at, mask) => {
        const bad = small.slice()
        bad[at] ^= mask
        const code = codeOf(bad)
        expect(code).not.toBe('OK')
        if (at >= 16) expect(['E_CORRUPT', 'E_TRUNCATED']).toContain(code)
        if (at < 10) expect(code).toBe('E_NOT_A_RUN')
      }),
      { numRuns: 500 },
    )
  })

  it('reports a flip in the compressed events as E_CORRUPT naming the checksum', () => {
    const view = new DataView(small.buffer, small.byteOffset)
    const payloadAt = 16 + view.getUint32(12, true) + 4
    const bad = small.slice()
    bad[payloadAt + 5] ^= 0x10
    const r = decodeRunFile(bad)
    expect(r.ok).toBe(false)
    if (!r.ok) {
      expect(r.error.code).toBe('E_CORRUPT')
      expect(r.error.message).toMatch(/checksum/)
    }
  })

  it('calls foreign files not a run', () => {
    const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13])
    expect(codeOf(png)).toBe('E_NOT_A_RUN')
    expect(codeOf(new TextEncoder().encode('{"request": {"values": [1, 2]}}'))).toBe('E_NOT_A_RUN')
    expect(codeOf(new Uint8Array())).toBe('E_NOT_A_RUN')
    expect(codeOf(new TextEncoder().encode('THREADLAX\0\u0001\u0000'))).toBe('E_NOT_A_RUN')
    expect(codeOf('THREADLAB' as unknown as Uint8Array)).toBe('E_NOT_A_RUN')
  })

  it('names a newer format and the one this app reads', () => {
    const newer = small.slice()
    newer[10] = 2
    const r = decodeRunFile(newer)
    expect(r.ok).toBe(false)
    if (!r.ok) {
      expect(r.error.code).toBe('E_NEWER_FORMAT')
      expect(r.error.message).toContain('version 2')
      expect(r.error.message).toContain(`reads format version ${RUN_FILE_VERSION}`)
    }
    const zero = small.slice()
    zero[10] = 0
    expect(codeOf(zero)).toBe('E_CORRUPT')
  })
})

/** Builds a file with a valid checksum around chosen header and payload bytes (a crafted file). */
function craft(header: unknown, payload: Uint8Array, headerText = JSON.stringify(header)): Uint8Array {
  const h = new TextEncoder().encode(headerText)
  const out = new Uint8Array(16 + h.length + 4 + payload.length + 4)
  const view = new DataView(out.buffer)
  out.set(Uint8Array.from(RUN_FILE_MAGIC, (c) => c.charCodeAt(0)))
  view.setUint16(10, 1, true)
  view.setUint32(12, h.length, true)
  out.set(h, 16)
  view.setUint32(16 + h.length, payload.length, true)
  out.set(payload, 20 + h.length)
  view.setUint32(out.length - 4, crc32(out.subarray(0, out.length - 4)), true)
  return out
}

describe('crafted files with a valid checksum', () => {
  const good = sleepRun([2, 1])
  const header = JSON.parse(
    new TextDecoder().decode(
      encodeRunFile(good).subarray(16, 16 + new DataView(encodeRunFile(good).buffer).getUint32(12, true)),
    ),
  )
  const raw = (n: number, kind = 0, t = 0) => {
    const b = new Uint8Array(n * 21)
    b.fill(kind, 0, n)
    new DataView(b.buffer).setFloat64(5 * n, t, true)
    return b
  }
  const messageOf = (bytes: Uint8Array) => {
    const r = decodeRunFile(bytes)
    return r.ok ? 'OK' : `${r.error.code}: ${r.error.message}`
  }

  it('accepts a faithful crafted file', () => {
    expect(messageOf(craft({ ...header, eventCount: 2 }, deflateSync(raw(2))))).toBe('OK')
  })

  it('names what is wrong', () => {
    expect(messageOf(craft(header, deflateSync(raw(2)), '{not json'))).toMatch(
      /^E_CORRUPT: the header is not valid JSON/,
    )
    expect(messageOf(craft({ ...header, eventCount: 2 }, Uint8Array.from([1, 2, 3, 4])))).toMatch(
      /^E_CORRUPT: the event data does not decompress/,
    )
    expect(messageOf(craft({ ...header, eventCount: 3 }, deflateSync(raw(2))))).toMatch(
      /decompresses to 42 bytes, not the 63/,
    )
    expect(messageOf(craft({ ...header, eventCount: 1 }, deflateSync(raw(2))))).toMatch(
      /decompresses to more than 21 bytes, not the 21 that 1 events need/,
    )
    expect(messageOf(craft({ ...header, eventCount: 2 }, deflateSync(raw(2, 13))))).toMatch(/unknown kind 13/)
    expect(messageOf(craft({ ...header, eventCount: 2 }, deflateSync(raw(2, 0, NaN))))).toMatch(/non-finite time/)
    expect(messageOf(craft({ ...header, format: 'x' }, deflateSync(raw(2))))).toMatch(/format/)
    expect(messageOf(craft({ ...header, machine: { ...header.machine, cpus: 'two' } }, deflateSync(raw(2))))).toMatch(
      /machine.cpus/,
    )
    expect(messageOf(craft({ ...header, request: { ...header.request, mode: 'turbo' } }, deflateSync(raw(2))))).toMatch(
      /request.mode/,
    )
    expect(
      messageOf(craft({ ...header, request: { ...header.request, experiment: 'bogo' } }, deflateSync(raw(2)))),
    ).toMatch(/experiment/)
    expect(
      messageOf(craft({ ...header, result: { ...header.result, experiment: 'parallel-sum' } }, deflateSync(raw(2)))),
    ).toMatch(/does not match/)
    expect(messageOf(craft({ ...header, result: { ...header.result, output: 'x' } }, deflateSync(raw(2))))).toMatch(
      /result.output/,
    )
    expect(messageOf(craft({ ...header, created: 'yesterday' }, deflateSync(raw(2))))).toMatch(/created/)
    expect(messageOf(craft([1, 2], deflateSync(raw(2))))).toMatch(/not an object/)
    expect(messageOf(craft(null, new Uint8Array(), '['.repeat(100_000)))).toMatch(/^E_CORRUPT/)
  })

  it('checks declared sizes before allocating', () => {
    // a bomb: 10 MB of zeros inflates from a few KB, but the header only allows 2 events
    const bomb = deflateSync(new Uint8Array(10_000_000))
    expect(messageOf(craft({ ...header, eventCount: 2 }, bomb))).toMatch(/decompresses to more than 42 bytes/)
    expect(messageOf(craft({ ...header, eventCount: RUN_FILE_LIMITS.maxEvents + 1 }, bomb))).toMatch(
      /exceeds the 8000000-event cap/,
    )
    // the cap itself is allowed: refused here only because the bytes cannot hold that many
    expect(messageOf(craft({ ...header, eventCount: RUN_FILE_LIMITS.maxEvents }, bomb))).toMatch(
      /declares 8000000 events/,
    )
    // many events declared, few compressed bytes: refused before allocating 21 MB of columns
    expect(messageOf(craft({ ...header, eventCount: 1_000_000 }, deflateSync(raw(2))))).toMatch(
      /declares 1000000 events \(21000000 bytes\) but the file holds only \d+ compressed bytes/,
    )
    // as many events as the compressed bytes could hold (deflate expands at most ~1032:1, and 1 KiB
    // more is allowed): past the size check, refused when they do not inflate to that size
    const two = deflateSync(raw(2))
    const most = Math.floor((two.length * 1032 + 1024) / 21)
    expect(messageOf(craft({ ...header, eventCount: most }, two))).toBe(
      `E_CORRUPT: the event data decompresses to 42 bytes, not the ${most * 21} that ${most} events need`,
    )
    expect(messageOf(craft({ ...header, eventCount: most + 1 }, two))).toBe(
      `E_CORRUPT: the header declares ${most + 1} events (${(most + 1) * 21} bytes) but the file holds only ${two.length} compressed bytes`,
    )
    // a header length far past the end, or past the cap
    const lie = small.slice()
    new DataView(lie.buffer).setUint32(12, 0xfffffff0, true)
    expect(codeOf(lie)).toBe('E_CORRUPT')
    new DataView(lie.buffer).setUint32(12, 1_000_000, true)
    expect(codeOf(lie)).toBe('E_TRUNCATED')
  })

  it('refuses to encode what it could not decode', () => {
    const huge = new EventColumns(1)
    huge.length = RUN_FILE_LIMITS.maxEvents + 1
    expect(() => encodeRunFile({ ...good, events: huge })).toThrow(RangeError)
  })
})
