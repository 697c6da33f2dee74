/**
 * Serves the built web client (packages/web/dist) at `/`: index.html, app.js, styles.css,
 * read once at start into memory (the set is small and fixed; nothing on disk is looked up
 * per request, so no path can escape the directory). Every answer carries a strict
 * Content-Security-Policy: scripts only from this origin (no inline, no third party),
 * WebAssembly compilation allowed for Argon2id, connections only back to this origin.
 *
 * The SHA-256 of app.js is computed here and printed at start (main.ts), so a user can
 * compare it with the hash of a release they trust; index.html also pins it with
 * Subresource Integrity.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where `npm start` builds the web client, next to this package. */
export const DEFAULT_WEB_DIR = fileURLToPath(new URL('../../../web/dist/', import.meta.url));

/** Most files served from the directory (the build writes three). */
export const MAX_WEB_FILES = 32;
/** Largest file served: 16 MiB (the bundle is well under 1 MiB). */
export const MAX_WEB_FILE_BYTES = 16 * 1024 * 1024;
/** The file names served: flat, lowercase, no dots first (no "..", no hidden files). */
const FILE_NAME = /^[a-z0-9][a-z0-9._-]{0,99}$/;

/**
 * The policy of every answer. 'wasm-unsafe-eval' lets the page compile WebAssembly
 * (hash-wasm's Argon2id) and nothing else: no eval, no inline script or style.
 */
export const WEB_CSP = [
  "default-src 'none'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self' blob:",
  "media-src 'self' blob:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const TYPES: Readonly<Record<string, string>> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  svg: 'image/svg+xml',
  png: 'image/png',
  ico: 'image/x-icon',
  json: 'application/json',
};

interface WebFile {
  readonly body: Buffer;
  readonly type: string;
  readonly etag: string;
}

export interface WebAssets {
  /** Hex SHA-256 of app.js. */
  readonly bundleSha256: string;
  readonly dir: string;
  /** Answers GET/HEAD of a served file; false when `path` is not one (the caller answers 404). */
  serve(req: IncomingMessage, res: ServerResponse, path: string): boolean;
}

export class WebAssetsError extends Error {
  override readonly name = 'WebAssetsError';
}

/**
 * Loads the built client from `dir`, or undefined when it has no index.html (not built).
 * @throws WebAssetsError for a directory beyond the bounds or without app.js
 */
export function loadWebAssets(dir: string): WebAssets | undefined {
  if (!existsSync(join(dir, 'index.html'))) return undefined;
  const names = readdirSync(dir).filter((n) => FILE_NAME.test(n) && TYPES[n.slice(n.lastIndexOf('.') + 1)] !== undefined);
  if (names.length > MAX_WEB_FILES) throw new WebAssetsError(`more than ${MAX_WEB_FILES} files in ${dir}`);
  const files = new Map<string, WebFile>();
  for (const name of names) {
    const path = join(dir, name);
    const stat = statSync(path);
    if (!stat.isFile()) continue;
    if (stat.size > MAX_WEB_FILE_BYTES) throw new WebAssetsError(`${name} is larger than ${MAX_WEB_FILE_BYTES} bytes`);
    const body = readFileSync(path);
    const hash = createHash('sha256').update(body).digest('hex');
    files.set(name, { body, type: TYPES[name.slice(name.lastIndexOf('.') + 1)]!, etag: `"${hash.slice(0, 32)}"` });
  }
  const app = files.get('app.js');
  if (app === undefined) throw new WebAssetsError(`${dir} has index.html but no app.js`);
  const bundleSha256 = createHash('sha256').update(app.body).digest('hex');
  return {
    bundleSha256,
    dir,
    serve(req, res, path) {
      if (req.method !== 'GET' && req.method !== 'HEAD') return false;
      const name = path === '/' ? 'index.html' : path.slice(1);
      const file = FILE_NAME.test(name) ? files.get(name) : undefined;
      if (file === undefined) return false;
      const headers: Record<string, string | number> = {
        'content-type': file.type,
        'content-length': file.body.length,
        'content-security-policy': WEB_CSP,
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
        'cross-origin-opener-policy': 'same-origin',
        'cross-origin-resource-policy': 'same-origin',
        'x-frame-options': 'DENY',
        // index.html is checked each time (it pins the bundle's hash); the rest is revalidated by etag.
        'cache-control': 'no-cache',
        etag: file.etag,
      };
      if (req.headers['if-none-match'] === file.etag) {
        res.writeHead(304, { etag: file.etag, 'content-security-policy': WEB_CSP, 'cache-control': 'no-cache' });
        res.end();
        return true;
      }
      res.writeHead(200, headers);
      res.end(req.method === 'HEAD' ? undefined : file.body);
      return true;
    },
  };
}
