/** The manifest parser: the real file parses; malformed manifests get typed errors naming the place. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { MANIFEST_PATH, MAX_MANIFEST_BYTES, ManifestError, loadManifest, parseManifest, schemaFor, type ManifestErrorCode } from '../src/disclosure/manifest.ts';

const raw = readFileSync(MANIFEST_PATH, 'utf8');
const base = (): Record<string, unknown> => JSON.parse(raw) as Record<string, unknown>;

function rejects(json: string, code: ManifestErrorCode, where: RegExp): void {
  assert.throws(
    () => parseManifest(json),
    (error: unknown) => error instanceof ManifestError && error.code === code && where.test(error.where),
    `expected ${code} at ${where}`,
  );
}

describe('disclosure manifest parser', () => {
  it('parses the real manifest; per-back-end schemas differ only where declared', () => {
    const m = loadManifest();
    const sqlite = schemaFor(m, 'sqlite');
    const pg = schemaFor(m, 'postgres');
    assert.ok(sqlite.get('accounts')?.has('last_seen_day'));
    assert.equal(sqlite.get('devices')?.has('position'), false);
    assert.equal(pg.get('devices')?.has('position'), true);
    assert.equal(sqlite.has('attachment_chunks'), false);
    assert.ok(m.logs.fields.length > 0 && m.metrics.families.length > 0);
  });

  it('refuses oversize, non-JSON and unknown versions', () => {
    rejects(' '.repeat(MAX_MANIFEST_BYTES + 1), 'too-large', /^\$$/);
    rejects('{"manifestVersion": 1,', 'not-json', /^\$$/);
    rejects('[]', 'bad-shape', /^\$$/);
    rejects(JSON.stringify({ ...base(), manifestVersion: 2 }), 'unsupported-version', /manifestVersion/);
  });

  it('refuses unknown and missing keys, empty purposes, wrong enums', () => {
    const m = base();
    rejects(JSON.stringify({ ...m, extra: 1 }), 'bad-shape', /^\$\.extra$/);
    const { memory: _memory, ...noMemory } = m;
    rejects(JSON.stringify(noMemory), 'bad-shape', /^\$\.memory$/);
    const tables = structuredClone(m['tables']) as Record<string, unknown>[];
    const columns = tables[0]!['columns'] as Record<string, unknown>[];
    columns[1]!['purpose'] = '  ';
    rejects(JSON.stringify({ ...m, tables }), 'bad-shape', /^\$\.tables\[0\]\.columns\[1\]\.purpose$/);
    const t2 = structuredClone(m['tables']) as Record<string, unknown>[];
    t2[0]!['subject'] = 'user';
    rejects(JSON.stringify({ ...m, tables: t2 }), 'bad-shape', /subject$/);
    const t3 = structuredClone(m['tables']) as Record<string, unknown>[];
    t3[0]!['backends'] = [];
    rejects(JSON.stringify({ ...m, tables: t3 }), 'bad-shape', /backends$/);
    const t4 = structuredClone(m['tables']) as Record<string, unknown>[];
    t4[0]!['backends'] = ['sqlite'];
    (t4[0]!['columns'] as Record<string, unknown>[])[0]!['backends'] = ['postgres'];
    rejects(JSON.stringify({ ...m, tables: t4 }), 'bad-shape', /columns\[0\]\.backends$/);
    rejects(JSON.stringify({ ...m, tables: 'accounts' }), 'bad-shape', /^\$\.tables$/);
  });

  it('refuses a name listed twice and lists above the item bound', () => {
    const m = base();
    const tables = m['tables'] as unknown[];
    rejects(JSON.stringify({ ...m, tables: [...tables, tables[0]] }), 'duplicate', /^\$\.tables\[\d+\]$/);
    const memory = Array.from({ length: 1001 }, (_, i) => ({ name: `m${i}`, purpose: 'p', retention: 'r' }));
    rejects(JSON.stringify({ ...m, memory }), 'too-large', /^\$\.memory$/);
  });
});
