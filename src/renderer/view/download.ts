/**
 * Downloads through a Blob and an anchor with `download`: a save in browsers, and in Electron a
 * `will-download` that the session handles with its default save dialog. No host API needed.
 */
export function downloadBytes(name: string, data: Uint8Array | string, mime: string): void {
  const part: BlobPart = typeof data === 'string' ? data : (data as Uint8Array<ArrayBuffer>)
  downloadBlob(name, new Blob([part], { type: mime }))
}

export function downloadBlob(name: string, blob: Blob): void {
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = name
  a.rel = 'noopener'
  a.style.display = 'none'
  document.body.appendChild(a)
  a.click()
  a.remove()
  // the download has taken its copy by the next task; keep the URL a while for slow hosts
  setTimeout(() => URL.revokeObjectURL(url), 60_000)
}

/** A File's bytes, or its first `limit` bytes. */
export async function readBytes(file: Blob, limit?: number): Promise<Uint8Array> {
  const part = limit === undefined ? file : file.slice(0, limit)
  return new Uint8Array(await part.arrayBuffer())
}
