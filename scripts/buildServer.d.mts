/** Types for scripts/buildServer.mjs (a plain script, run by `npm start` without the TypeScript loader). */
export const SERVER_BUNDLE: string;
export function newestMtime(dir: string): number;
export function buildServer(options?: { outDir?: string; packagesInside?: boolean }): Promise<void>;
export function buildServerWhenStale(): Promise<boolean>;
