/**
 * Bundle size of the web client: raw and gzip (level 9, what a server would send) of the
 * files index.html loads, once as shipped and once with the ML-KEM / X-Wing modules left
 * out (the size goal excludes them), plus the largest inputs by bytes in app.js.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { BuildResult } from '../../packages/web/src/build/bundle.ts';

export interface SizeFigures {
  readonly rawBytes: number;
  readonly gzipBytes: number;
}

/** Sizes of app.js + styles.css + index.html in a build. */
export function sizesOf(build: BuildResult): SizeFigures {
  let rawBytes = 0;
  let gzipBytes = 0;
  for (const name of ['app.js', 'styles.css', 'index.html']) {
    const bytes = readFileSync(join(build.outDir, name));
    rawBytes += bytes.length;
    gzipBytes += gzipSync(bytes, { level: 9 }).length;
  }
  return { rawBytes, gzipBytes };
}

/** The `count` inputs with the most bytes in app.js, grouped by package (node_modules) or workspace folder. */
export function largestInputs(build: BuildResult, count: number): [string, number][] {
  const output = Object.values(build.metafile.outputs).find((o) => o.entryPoint !== undefined);
  const groups = new Map<string, number>();
  for (const [path, info] of Object.entries(output?.inputs ?? {})) {
    const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path) ?? /packages\/([^/]+\/src\/[^/]+)/.exec(path);
    const key = m?.[1] ?? path;
    groups.set(key, (groups.get(key) ?? 0) + info.bytesInOutput);
  }
  return [...groups].sort((a, b) => b[1] - a[1]).slice(0, count);
}
