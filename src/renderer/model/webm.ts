/**
 * WebM (Matroska/EBML) bits for `Export video…`: Chromium's MediaRecorder writes a live stream —
 * a Segment of unknown size whose Info has no Duration — so players show no length and cannot
 * seek. `WebmFrameWalk` follows the recording's frames to the last one's timestamp (what the
 * Duration must be derived from); `withDuration` writes the Duration element into the Segment's Info;
 * `readWebmInfo` reads it back (for tests and the progress line). Pure: bytes in, bytes out.
 */
const ID_EBML = 0x1a45dfa3
const ID_SEGMENT = 0x18538067
const ID_INFO = 0x1549a966
const ID_TIMECODE_SCALE = 0x2ad7b1
const ID_DURATION = 0x4489
const ID_CLUSTER = 0x1f43b675
const ID_TIMECODE = 0xe7
const ID_BLOCK_GROUP = 0xa0
const ID_BLOCK = 0xa1
const ID_SIMPLE_BLOCK = 0xa3

interface Element {
  id: number
  /** offset of the element's first byte (its ID) */
  start: number
  /** offset of its data */
  dataStart: number
  /** end of its data; for an unknown size, the end of the buffer */
  end: number
}

/** An element ID keeps its length-marker bits: 1 to 4 bytes. */
function readId(b: Uint8Array, at: number): { id: number; length: number } | null {
  const first = b[at]
  if (first === undefined) return null
  const length = first >= 0x80 ? 1 : first >= 0x40 ? 2 : first >= 0x20 ? 3 : first >= 0x10 ? 4 : 0
  if (!length || at + length > b.length) return null
  let id = 0
  for (let i = 0; i < length; i++) id = id * 256 + b[at + i]
  return { id, length }
}

/** A data size: 1 to 8 bytes, marker bit removed; all ones means "unknown" (returned as -1). */
function readSize(b: Uint8Array, at: number): { size: number; length: number } | null {
  const first = b[at]
  if (first === undefined || first === 0) return null
  let length = 1
  while (!(first & (0x80 >> (length - 1)))) length++
  if (at + length > b.length) return null
  let size = first & (0xff >> length)
  let allOnes = size === 0xff >> length
  for (let i = 1; i < length; i++) {
    size = size * 256 + b[at + i]
    if (b[at + i] !== 0xff) allOnes = false
  }
  return { size: allOnes ? -1 : size, length }
}

function readElement(b: Uint8Array, at: number, limit: number): Element | null {
  const id = readId(b, at)
  if (!id) return null
  const size = readSize(b, at + id.length)
  if (!size) return null
  const dataStart = at + id.length + size.length
  const end = size.size < 0 ? limit : dataStart + size.size
  if (end > limit) return null
  return { id: id.id, start: at, dataStart, end }
}

function children(b: Uint8Array, parent: { dataStart: number; end: number }): Element[] {
  const out: Element[] = []
  for (let at = parent.dataStart; at < parent.end;) {
    const e = readElement(b, at, parent.end)
    if (!e) break
    out.push(e)
    at = e.end
  }
  return out
}

function readUint(b: Uint8Array, e: Element): number {
  let v = 0
  for (let i = e.dataStart; i < e.end; i++) v = v * 256 + b[i]
  return v
}

function readFloat(b: Uint8Array, e: Element): number {
  const view = new DataView(b.buffer, b.byteOffset + e.dataStart, e.end - e.dataStart)
  return e.end - e.dataStart === 4 ? view.getFloat32(0) : view.getFloat64(0)
}

function findInfo(b: Uint8Array): { segment: Element; info: Element } | string {
  const ebml = readElement(b, 0, b.length)
  if (!ebml || ebml.id !== ID_EBML) return 'not a WebM file (no EBML header)'
  const segment = readElement(b, ebml.end, b.length)
  if (!segment || segment.id !== ID_SEGMENT) return 'no Segment after the EBML header'
  const info = children(b, segment).find((e) => e.id === ID_INFO)
  if (!info) return 'the Segment has no Info'
  return { segment, info }
}

export interface WebmInfo {
  /** ns per timecode tick (1,000,000 unless the file says otherwise) */
  timecodeScale: number
  /** ms, or null when the file does not say */
  durationMs: number | null
}

/** The Segment Info of a WebM file, or why it could not be read. */
export function readWebmInfo(bytes: Uint8Array): WebmInfo | string {
  const found = findInfo(bytes)
  if (typeof found === 'string') return found
  let scale = 1_000_000
  let duration: number | null = null
  for (const e of children(bytes, found.info)) {
    if (e.id === ID_TIMECODE_SCALE) scale = readUint(bytes, e)
    if (e.id === ID_DURATION) duration = readFloat(bytes, e)
  }
  return { timecodeScale: scale, durationMs: duration === null ? null : (duration * scale) / 1e6 }
}

/** The file with its Info's Duration set to `durationMs` (added when missing), or why not. */
export function withDuration(bytes: Uint8Array, durationMs: number): Uint8Array | string {
  const found = findInfo(bytes)
  if (typeof found === 'string') return found
  const { info } = found
  const parts = children(bytes, info)
  const scale = readWebmInfo(bytes) as WebmInfo
  const ticks = (durationMs * 1e6) / scale.timecodeScale
  const existing = parts.find((e) => e.id === ID_DURATION)
  if (existing && existing.end - existing.dataStart === 8) {
    const out = bytes.slice()
    new DataView(out.buffer).setFloat64(existing.dataStart, ticks)
    return out
  }
  // Info's content without any old (4-byte) Duration, plus an 8-byte one; its size as an 8-byte vint
  const kept = parts.filter((e) => e.id !== ID_DURATION)
  const body: number[] = []
  for (const e of kept) for (let i = e.start; i < e.end; i++) body.push(bytes[i])
  const duration = new Uint8Array(11)
  duration.set([0x44, 0x89, 0x88])
  new DataView(duration.buffer).setFloat64(3, ticks)
  body.push(...duration)
  const head = [0x15, 0x49, 0xa9, 0x66, 0x01, 0, 0, 0, 0, 0, 0, 0]
  let size = body.length
  for (let i = 11; i > 4; i--) {
    head[i] = size & 0xff
    size = Math.floor(size / 256)
  }
  const out = new Uint8Array(info.start + head.length + body.length + (bytes.length - info.end))
  out.set(bytes.subarray(0, info.start), 0)
  out.set(head, info.start)
  out.set(body, info.start + head.length)
  out.set(bytes.subarray(info.end), info.start + head.length + body.length)
  return out
}

/** Containers the frame walk steps into (their size, often "unknown" while live, does not matter). */
const STEP_INTO = new Set([ID_SEGMENT, ID_INFO, ID_CLUSTER, ID_BLOCK_GROUP])

/**
 * Follows a WebM as it is written, chunk by chunk, to the timestamp of its last frame: the
 * Cluster's Timecode plus the block's signed 16-bit relative timecode, in TimecodeScale ticks. It
 * skips the frames' data and keeps only the bytes of an element header it has not finished reading.
 */
export class WebmFrameWalk {
  /** frames (blocks) seen */
  frames = 0
  /** why the bytes could not be followed, or null */
  error: string | null = null
  private pending = new Uint8Array(0)
  private skip = 0
  private scale = 1_000_000
  private cluster = 0
  private last = -Infinity

  /** ms, the last frame's timestamp; null before any frame */
  get lastFrameMs(): number | null {
    return this.frames ? (this.last * this.scale) / 1e6 : null
  }

  push(chunk: Uint8Array): void {
    if (this.error) return
    const skipped = Math.min(this.skip, chunk.length)
    this.skip -= skipped
    let b = chunk.subarray(skipped)
    if (this.pending.length) {
      b = new Uint8Array(this.pending.length + b.length)
      b.set(this.pending)
      b.set(chunk.subarray(skipped), this.pending.length)
    }
    let at = 0
    while (at < b.length) {
      const id = readId(b, at)
      const size = id && readSize(b, at + id.length)
      if (!id || !size) {
        // an element header is at most 12 bytes (4 of ID, 8 of size): more that cannot be read is not EBML
        if (b.length - at >= 12) this.error = `no element header at byte ${at} of the unread data`
        break
      }
      const dataStart = at + id.length + size.length
      if (STEP_INTO.has(id.id)) {
        at = dataStart
        continue
      }
      if (size.size < 0) {
        this.error = `element 0x${id.id.toString(16)} has an unknown size`
        break
      }
      if (!this.read(b, id.id, dataStart, size.size)) break
      const end = dataStart + size.size
      this.skip = Math.max(0, end - b.length)
      at = Math.min(end, b.length)
    }
    this.pending = b.slice(at)
  }

  /** Reads what the walk needs from one element's data; false when those bytes are not here yet. */
  private read(b: Uint8Array, id: number, at: number, size: number): boolean {
    if (id === ID_TIMECODE || id === ID_TIMECODE_SCALE) {
      if (at + size > b.length) return false
      const value = readUint(b, { id, start: at, dataStart: at, end: at + size })
      if (id === ID_TIMECODE) this.cluster = value
      else this.scale = value
    } else if (id === ID_SIMPLE_BLOCK || id === ID_BLOCK) {
      const track = readSize(b, at) // the track number is a vint like a size
      if (!track || at + track.length + 2 > b.length) return false
      const relative = new DataView(b.buffer, b.byteOffset + at + track.length, 2).getInt16(0)
      this.frames++
      this.last = Math.max(this.last, this.cluster + relative)
    }
    return true
  }
}
