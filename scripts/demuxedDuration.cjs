// The length of a WebM as Chromium's own demuxer reads it (a <video>'s duration), on a blank page
// of the given browser context: a reader this project did not write. The app's own page cannot be
// used: its CSP allows no media. Used by the video e2e spec and bench/insights.mjs.
'use strict'

/** @param {{ newPage(): Promise<any> }} context @param {Uint8Array} bytes @returns {Promise<number>} seconds */
async function demuxedDuration(context, bytes) {
  const page = await context.newPage()
  try {
    // a string: the callers compile without the DOM's types
    return await page.evaluate(`(async () => {
      const data = Uint8Array.from(atob(${JSON.stringify(Buffer.from(bytes).toString('base64'))}), (c) => c.charCodeAt(0))
      const video = document.createElement('video')
      video.src = URL.createObjectURL(new Blob([data], { type: 'video/webm' }))
      await new Promise((ok, fail) => {
        video.onloadedmetadata = ok
        video.onerror = () => fail(new Error('the browser could not read the WebM'))
      })
      return video.duration
    })()`)
  } finally {
    await page.close()
  }
}

module.exports = { demuxedDuration }
