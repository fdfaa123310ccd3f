/**
 * The built renderer's files, as both hosts serve them: the web host over HTTP and Electron on its
 * `app://` scheme. One resolver, so neither can be talked into serving a file outside the folder.
 */
import { realpath, stat } from 'node:fs/promises'
import { extname, resolve, sep } from 'node:path'

export const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
}

export function mimeType(path: string): string {
  return MIME[extname(path).toLowerCase()] ?? 'application/octet-stream'
}

/** The renderer folder with symlinks resolved (what resolveStatic compares against). */
export async function staticRoot(dir: string): Promise<string> {
  return realpath(resolve(dir)).catch(() => resolve(dir))
}

/**
 * The file a URL path names inside `root` (from staticRoot), or null: never a path outside it, a
 * dotfile, a `..` segment, a symlink pointing out, or a folder. `/` is index.html.
 */
export async function resolveStatic(root: string, pathname: string): Promise<{ path: string; size: number } | null> {
  let decoded: string
  try {
    decoded = decodeURIComponent(pathname)
  } catch {
    return null
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null
  const relative = decoded === '/' ? 'index.html' : decoded.replace(/^\/+/, '')
  if (relative.split('/').some((part) => part.startsWith('.'))) return null // no dotfiles, no ..
  const candidate = resolve(root, relative)
  if (!candidate.startsWith(root + sep)) return null
  try {
    const real = await realpath(candidate)
    if (!real.startsWith(root + sep)) return null // a symlink pointing out
    const info = await stat(real)
    return info.isFile() ? { path: real, size: info.size } : null
  } catch {
    return null
  }
}
