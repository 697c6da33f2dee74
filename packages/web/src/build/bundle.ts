/**
 * Builds the web client with esbuild: one ES module (app.js), the stylesheet, and an
 * index.html that loads both with Subresource Integrity hashes. Returns the SHA-256 of
 * app.js (the "bundle hash" the server prints so a user can compare it with a release).
 *
 * `excludePostQuantum` marks the ML-KEM / X-Wing modules external: the bundle then cannot
 * run, but its size is the figure the size goal is stated against (bench only).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Metafile, type Plugin } from 'esbuild';

export const WEB_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const DEFAULT_OUT_DIR = join(WEB_ROOT, 'dist');
const ENTRY = join(WEB_ROOT, 'src', 'main.tsx');
const STATIC = join(WEB_ROOT, 'src', 'static');

export interface BuildOptions {
  readonly outDir?: string;
  readonly excludePostQuantum?: boolean;
}

export interface BuildResult {
  readonly outDir: string;
  /** Hex SHA-256 of app.js. */
  readonly bundleSha256: string;
  readonly files: Readonly<Record<string, number>>;
  readonly metafile: Metafile;
}

/** Sealed's own ML-KEM / X-Wing files and @noble/post-quantum: left out when sizing without PQ code. */
const POST_QUANTUM = /(@noble[\\/]post-quantum|crypto[\\/]src[\\/](kem[\\/](xwing|mlkem768)|noble[\\/]mlkem768)\.ts$)/;

const excludePq: Plugin = {
  name: 'exclude-post-quantum',
  setup(b) {
    b.onResolve({ filter: /.*/ }, async (args) => {
      if (args.pluginData === 'inner') return undefined;
      const resolved = await b.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: 'inner' });
      return POST_QUANTUM.test(resolved.path) ? { path: resolved.path, external: true } : resolved;
    });
  },
};

function sri(bytes: Uint8Array): string {
  return `sha256-${createHash('sha256').update(bytes).digest('base64')}`;
}

/** @throws the esbuild error when the sources do not compile */
export async function buildWebBundle(options: BuildOptions = {}): Promise<BuildResult> {
  const outDir = options.outDir ?? DEFAULT_OUT_DIR;
  mkdirSync(outDir, { recursive: true });
  const result = await build({
    entryPoints: [ENTRY],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022', 'chrome111', 'firefox115', 'safari16.4'],
    minify: true,
    sourcemap: false,
    legalComments: 'none',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    outfile: join(outDir, 'app.js'),
    metafile: true,
    logLevel: 'silent',
    plugins: options.excludePostQuantum === true ? [excludePq] : [],
  });
  const app = readFileSync(join(outDir, 'app.js'));
  const styles = readFileSync(join(STATIC, 'styles.css'));
  writeFileSync(join(outDir, 'styles.css'), styles);
  const icon = readFileSync(join(STATIC, 'favicon.svg'));
  writeFileSync(join(outDir, 'favicon.svg'), icon);
  const html = readFileSync(join(STATIC, 'index.template.html'), 'utf8').replace('%APP_SRI%', sri(app)).replace('%STYLES_SRI%', sri(styles));
  writeFileSync(join(outDir, 'index.html'), html);
  return {
    outDir,
    bundleSha256: createHash('sha256').update(app).digest('hex'),
    files: { 'app.js': app.length, 'styles.css': styles.length, 'index.html': Buffer.byteLength(html), 'favicon.svg': icon.length },
    metafile: result.metafile,
  };
}
