import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import type { Plugin } from 'vite'
import react from '@vitejs/plugin-react'
import { withDevCsp } from './src/shared/csp'

/**
 * `npm run dev` only: the page's meta policy is swapped for the dev server's (src/shared/csp.ts),
 * which allows the React refresh preamble (an inline script), injected styles and the dev server's
 * WebSocket. A build never runs this plugin, so the built page keeps the strict policy.
 */
function devCsp(): Plugin {
  return {
    name: 'threadlab-dev-csp',
    apply: 'serve',
    transformIndexHtml(html, ctx) {
      const url = ctx.server?.resolvedUrls?.local[0] ?? `http://localhost:${ctx.server?.config.server.port ?? 5173}/`
      return withDevCsp(html, new URL(url).origin)
    },
  }
}

// The addon (native/index.js + its .node file) is loaded at run time from outside the bundle,
// so neither build touches it. The web host is built beside the Electron main process because it
// composes the same run service (src/service); it never imports electron.
export default defineConfig({
  main: {
    build: {
      rollupOptions: {
        input: {
          index: resolve(__dirname, 'src/main/index.ts'),
          webhost: resolve(__dirname, 'src/web/server/main.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      rollupOptions: {
        // A sandboxed preload must be one CommonJS file.
        input: { index: resolve(__dirname, 'src/preload/index.ts') },
        output: { format: 'cjs' },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src/renderer'),
    build: {
      // THREADLAB_UNMINIFIED=1 keeps function names, so a CPU profile of the page names them
      // (bench/live-longtasks.mjs --profile)
      minify: process.env.THREADLAB_UNMINIFIED !== '1',
      rollupOptions: { input: { index: resolve(__dirname, 'src/renderer/index.html') } },
    },
    plugins: [react(), devCsp()],
  },
})
