// Types for scripts/chromium.cjs, imported by playwright.config.ts.
export declare const CHROMIUM_ARGS: string[]
export declare function findChromium(): { path: string; source: string } | null
export declare function ensureChromium(options?: { log?: (line: string) => void }): { path: string; source: string }
