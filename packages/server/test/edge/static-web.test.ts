// The web client's static files at `/` (src/http/static-web.ts): served from memory with a
// strict CSP, nothing outside the built directory reachable, API routes untouched, and
// malformed or hostile paths answered 404 without touching the disk.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadWebAssets, MAX_WEB_FILES, WEB_CSP, WebAssetsError } from '../../src/http/static-web.ts';
import { errorCode, http, startHarness, type Harness } from '../support/harness.ts';

const APP = 'console.log("sealed web test bundle");';

function webDir(root: string): string {
  const dir = join(root, 'web');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Sealed</title><script type="module" src="/app.js"></script>');
  writeFileSync(join(dir, 'app.js'), APP);
  writeFileSync(join(dir, 'styles.css'), 'body{}');
  writeFileSync(join(dir, '.hidden.js'), 'secret');
  writeFileSync(join(root, 'outside.js'), 'outside');
  return dir;
}

/** One raw HTTP/1.1 request (fetch would normalise the path), returning the status code. */
function rawStatus(port: number, requestLine: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(`${requestLine}\r\nhost: 127.0.0.1\r\nconnection: close\r\n\r\n`));
    let data = '';
    socket.setTimeout(5_000, () => socket.destroy(new Error('timeout')));
    socket.on('data', (chunk) => (data += chunk.toString('latin1')));
    socket.on('end', () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(data)?.[1] ?? 0)));
    socket.on('error', reject);
  });
}

describe('static web client at /', () => {
  let root: string;
  let h: Harness;
  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'sealed-static-web-'));
    h = await startHarness(['--web-dir', webDir(root)]);
  });
  after(async () => {
    await h.cleanup();
    rmSync(root, { recursive: true, force: true });
  });

  it('serves index.html at / and the bundle, each with the CSP and nosniff', async () => {
    for (const [path, type] of [['/', 'text/html'], ['/app.js', 'text/javascript'], ['/styles.css', 'text/css']] as const) {
      const res = await fetch(h.server.url + path);
      assert.equal(res.status, 200, path);
      assert.ok(res.headers.get('content-type')?.startsWith(type), path);
      assert.equal(res.headers.get('content-security-policy'), WEB_CSP);
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(res.headers.get('x-frame-options'), 'DENY');
    }
    assert.equal(await (await fetch(`${h.server.url}/app.js`)).text(), APP);
    const head = await fetch(`${h.server.url}/app.js`, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(await head.text(), '');
  });

  it('the policy forbids inline and third-party scripts and allows only WebAssembly compilation beyond self', () => {
    const directives = new Map(WEB_CSP.split('; ').map((d) => [d.split(' ')[0]!, d.split(' ').slice(1)]));
    assert.deepEqual(directives.get('script-src'), ["'self'", "'wasm-unsafe-eval'"]);
    assert.deepEqual(directives.get('default-src'), ["'none'"]);
    assert.doesNotMatch(WEB_CSP, /unsafe-inline|'unsafe-eval'|\*|https?:/);
  });

  it('exposes the SHA-256 of app.js', () => {
    assert.equal(h.server.web?.bundleSha256, createHash('sha256').update(APP).digest('hex'));
  });

  it('answers a matching ETag with 304', async () => {
    const etag = (await fetch(`${h.server.url}/app.js`)).headers.get('etag')!;
    const res = await fetch(`${h.server.url}/app.js`, { headers: { 'if-none-match': etag } });
    assert.equal(res.status, 304);
  });

  it('hostile and malformed paths are not-found, never a file outside the directory', async () => {
    const port = h.server.port;
    for (const path of ['/../outside.js', '/%2e%2e/outside.js', '/..%2foutside.js', '/.hidden.js', '/web/app.js', '/app.js/', '/APP.JS', '/app.js%00', '//app.js', `/${'a'.repeat(600)}`, '/app.js?x=1#y', '/\\app.js']) {
      const status = await rawStatus(port, `GET ${path} HTTP/1.1`);
      // /app.js?x=1 is app.js (the query is not part of the path); everything else is 404.
      assert.equal(status, path.startsWith('/app.js?') ? 200 : 404, path);
    }
    assert.equal(errorCode(await http(h.server.url, 'POST', '/', '{}')), 'not-found');
    assert.equal(errorCode(await http(h.server.url, 'PUT', '/app.js', '{}')), 'not-found');
    assert.equal(errorCode(await http(h.server.url, 'GET', '/nope.js')), 'not-found');
  });

  it('API routes are unchanged beside it', async () => {
    assert.equal((await http(h.server.url, 'GET', '/healthz')).status, 200);
    assert.equal((await http(h.server.url, 'POST', '/v1/challenges', {})).status, 200);
  });
});

describe('loadWebAssets bounds', () => {
  it('an unbuilt directory is not served (undefined), one without app.js is refused', () => {
    const root = mkdtempSync(join(tmpdir(), 'sealed-static-web-'));
    try {
      assert.equal(loadWebAssets(join(root, 'missing')), undefined);
      writeFileSync(join(root, 'index.html'), '<!doctype html>');
      assert.throws(() => loadWebAssets(root), WebAssetsError);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('too many files are refused (a bound on what is loaded into memory)', () => {
    const root = mkdtempSync(join(tmpdir(), 'sealed-static-web-'));
    try {
      writeFileSync(join(root, 'index.html'), '<!doctype html>');
      writeFileSync(join(root, 'app.js'), APP);
      for (let i = 0; i < MAX_WEB_FILES; i++) writeFileSync(join(root, `extra-${i}.css`), '');
      assert.throws(() => loadWebAssets(root), WebAssetsError);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('"none" turns it off', async () => {
    const h = await startHarness(['--web-dir', 'none']);
    try {
      assert.equal(h.server.web, undefined);
      assert.equal(errorCode(await http(h.server.url, 'GET', '/')), 'not-found');
    } finally {
      await h.cleanup();
    }
  });
});
