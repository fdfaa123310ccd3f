// Types for scripts/demuxedDuration.cjs, imported by the video e2e spec.
export declare function demuxedDuration(context: { newPage(): Promise<unknown> }, bytes: Uint8Array): Promise<number>
