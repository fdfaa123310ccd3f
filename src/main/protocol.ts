/**
 * The renderer's own origin, `app://threadlab`: the built files served from out/renderer with the
 * Content-Security-Policy as a response header (a `file://` page gets no headers, so its meta tag
 * was the only policy, and `'self'` there matched any local file). Files are resolved by the same
 * code as the web host's (src/service/static-files.ts): nothing outside the folder, no dotfiles.
 */
import { protocol } from 'electron'
import { readFile } from 'node:fs/promises'
import { mimeType, resolveStatic, staticRoot } from '../service/static-files'

export const APP_SCHEME = 'app'
export const APP_HOST = 'threadlab'
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`
export const APP_INDEX_URL = `${APP_ORIGIN}/index.html`

/** Before `ready`: a standard, secure scheme (an origin of its own, module scripts, a secure context). */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } },
  ])
}

const NOT_FOUND = () =>
  new Response('not found\n', {
    status: 404,
    headers: { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' },
  })

/** After `ready`: serves `rendererDir` on app://threadlab/, every HTML page with `csp` as its header. */
export function serveAppScheme(rendererDir: string, csp: string): void {
  const root = staticRoot(rendererDir)
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url)
    if (url.host !== APP_HOST || (request.method !== 'GET' && request.method !== 'HEAD')) return NOT_FOUND()
    const file = await resolveStatic(await root, url.pathname)
    if (!file) return NOT_FOUND()
    const type = mimeType(file.path)
    const headers: Record<string, string> = {
      'Content-Type': type,
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'no-cache',
    }
    if (type.startsWith('text/html')) headers['Content-Security-Policy'] = csp
    return new Response(request.method === 'HEAD' ? null : await readFile(file.path), { headers })
  })
}
