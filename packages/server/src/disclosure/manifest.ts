/**
 * The disclosure manifest (packages/server/disclosure/manifest.json): every table, column,
 * file, log field and metric the server writes, each with purpose and retention. This module
 * parses it strictly (unknown keys, missing text, duplicates and oversize input are typed
 * errors) so the manifest test and `sealed-server disclose` read one checked structure.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Where the manifest lives in the repository. */
export const MANIFEST_PATH = fileURLToPath(new URL('../../disclosure/manifest.json', import.meta.url));
/** The manifest is a few dozen KB; anything above this is not ours and is refused before parsing. */
export const MAX_MANIFEST_BYTES = 1024 * 1024;
/** Bound on every list in the manifest (tables, columns, fields...): far above the real counts. */
export const MAX_MANIFEST_ITEMS = 1000;
/** The only manifest version this code reads. */
export const MANIFEST_VERSION = 1;

export type Backend = 'sqlite' | 'postgres';
/** Which person-linked key a table is keyed by: `none` tables cannot be tied to an account. */
export type Subject = 'account' | 'device' | 'none';
export type Precision = 'day' | 'hour' | 'millisecond';

export interface Described {
  readonly name: string;
  readonly purpose: string;
  readonly retention: string;
}
export interface ManifestColumn extends Described {
  /** Defaults to the table's back ends. */
  readonly backends?: readonly Backend[];
  /** For time columns: how precisely the time is kept. */
  readonly precision?: Precision;
}
export interface ManifestTable extends Described {
  readonly backends: readonly Backend[];
  readonly subject: Subject;
  readonly columns: readonly ManifestColumn[];
}
export interface ManifestFunction extends Described {
  readonly backends: readonly Backend[];
}
export interface ManifestFile {
  readonly path: string;
  readonly backends: readonly Backend[];
  readonly purpose: string;
  readonly retention: string;
}
export interface ManifestLabel {
  readonly name: string;
  readonly purpose: string;
}
export interface ManifestMetric {
  readonly name: string;
  readonly type: 'counter' | 'gauge';
  readonly purpose: string;
  readonly labels: readonly ManifestLabel[];
}
export interface Manifest {
  readonly manifestVersion: number;
  readonly about: string;
  readonly tables: readonly ManifestTable[];
  readonly functions: readonly ManifestFunction[];
  readonly files: readonly ManifestFile[];
  readonly logs: { readonly format: string; readonly defaultLevel: string; readonly retention: string; readonly fields: readonly Described[] };
  readonly metrics: { readonly endpoint: string; readonly retention: string; readonly families: readonly ManifestMetric[] };
  readonly memory: readonly Described[];
}

export type ManifestErrorCode = 'too-large' | 'not-json' | 'bad-shape' | 'duplicate' | 'unsupported-version';

/** A manifest that cannot be used; `where` is a JSON path such as `tables[3].columns[1].purpose`. */
export class ManifestError extends Error {
  override readonly name = 'ManifestError';
  constructor(
    readonly code: ManifestErrorCode,
    readonly where: string,
    detail: string,
  ) {
    super(`disclosure manifest ${where}: ${detail}`);
  }
}

type Obj = Readonly<Record<string, unknown>>;

function object(value: unknown, where: string, keys: readonly string[], optional: readonly string[] = []): Obj {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ManifestError('bad-shape', where, 'expected an object');
  const obj = value as Obj;
  for (const key of Object.keys(obj)) {
    if (!keys.includes(key) && !optional.includes(key)) throw new ManifestError('bad-shape', `${where}.${key}`, 'unknown key');
  }
  for (const key of keys) if (!(key in obj)) throw new ManifestError('bad-shape', `${where}.${key}`, 'missing');
  return obj;
}

function text(value: unknown, where: string): string {
  if (typeof value !== 'string' || value.trim().length === 0) throw new ManifestError('bad-shape', where, 'expected non-empty text');
  return value;
}

function oneOf<T extends string>(value: unknown, where: string, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new ManifestError('bad-shape', where, `expected one of ${allowed.join(', ')}`);
  }
  return value as T;
}

function list<T>(value: unknown, where: string, item: (v: unknown, w: string) => T, key?: (t: T) => string): T[] {
  if (!Array.isArray(value)) throw new ManifestError('bad-shape', where, 'expected a list');
  if (value.length > MAX_MANIFEST_ITEMS) throw new ManifestError('too-large', where, `more than ${MAX_MANIFEST_ITEMS} items`);
  const out = value.map((v, i) => item(v, `${where}[${i}]`));
  if (key !== undefined) {
    const seen = new Set<string>();
    out.forEach((t, i) => {
      const k = key(t);
      if (seen.has(k)) throw new ManifestError('duplicate', `${where}[${i}]`, `"${k}" listed twice`);
      seen.add(k);
    });
  }
  return out;
}

const BACKENDS: readonly Backend[] = ['sqlite', 'postgres'];
const backends = (v: unknown, w: string): Backend[] => {
  const out = list(v, w, (b, bw) => oneOf(b, bw, BACKENDS), (b) => b);
  if (out.length === 0) throw new ManifestError('bad-shape', w, 'expected at least one back end');
  return out;
};
const byName = (d: { name: string }) => d.name;

function described(v: unknown, w: string): Described {
  const o = object(v, w, ['name', 'purpose', 'retention']);
  return { name: text(o['name'], `${w}.name`), purpose: text(o['purpose'], `${w}.purpose`), retention: text(o['retention'], `${w}.retention`) };
}

function column(v: unknown, w: string): ManifestColumn {
  const o = object(v, w, ['name', 'purpose', 'retention'], ['backends', 'precision']);
  return {
    ...described({ name: o['name'], purpose: o['purpose'], retention: o['retention'] }, w),
    ...(o['backends'] === undefined ? {} : { backends: backends(o['backends'], `${w}.backends`) }),
    ...(o['precision'] === undefined ? {} : { precision: oneOf(o['precision'], `${w}.precision`, ['day', 'hour', 'millisecond'] as const) }),
  };
}

function table(v: unknown, w: string): ManifestTable {
  const o = object(v, w, ['name', 'backends', 'subject', 'purpose', 'retention', 'columns']);
  const t: ManifestTable = {
    ...described({ name: o['name'], purpose: o['purpose'], retention: o['retention'] }, w),
    backends: backends(o['backends'], `${w}.backends`),
    subject: oneOf(o['subject'], `${w}.subject`, ['account', 'device', 'none'] as const),
    columns: list(o['columns'], `${w}.columns`, column, byName),
  };
  t.columns.forEach((c, i) => {
    if (c.backends?.some((b) => !t.backends.includes(b))) throw new ManifestError('bad-shape', `${w}.columns[${i}].backends`, 'a back end the table does not have');
  });
  return t;
}

function metric(v: unknown, w: string): ManifestMetric {
  const o = object(v, w, ['name', 'type', 'purpose', 'labels']);
  return {
    name: text(o['name'], `${w}.name`),
    type: oneOf(o['type'], `${w}.type`, ['counter', 'gauge'] as const),
    purpose: text(o['purpose'], `${w}.purpose`),
    labels: list(
      o['labels'],
      `${w}.labels`,
      (l, lw) => {
        const lo = object(l, lw, ['name', 'purpose']);
        return { name: text(lo['name'], `${lw}.name`), purpose: text(lo['purpose'], `${lw}.purpose`) };
      },
      byName,
    ),
  };
}

/**
 * Parses and checks manifest JSON.
 * @throws {ManifestError} too-large, not-json, unsupported-version, bad-shape (the `where`
 *   path names the offending place) or duplicate (a name listed twice in one list).
 */
export function parseManifest(json: string): Manifest {
  if (json.length > MAX_MANIFEST_BYTES) throw new ManifestError('too-large', '$', `above ${MAX_MANIFEST_BYTES} bytes`);
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new ManifestError('not-json', '$', 'not valid JSON');
  }
  const o = object(value, '$', ['manifestVersion', 'about', 'tables', 'functions', 'files', 'logs', 'metrics', 'memory']);
  if (o['manifestVersion'] !== MANIFEST_VERSION) throw new ManifestError('unsupported-version', '$.manifestVersion', `this code reads version ${MANIFEST_VERSION}`);
  const logs = object(o['logs'], '$.logs', ['format', 'defaultLevel', 'retention', 'fields']);
  const metrics = object(o['metrics'], '$.metrics', ['endpoint', 'retention', 'families']);
  return {
    manifestVersion: MANIFEST_VERSION,
    about: text(o['about'], '$.about'),
    tables: list(o['tables'], '$.tables', table, byName),
    functions: list(
      o['functions'],
      '$.functions',
      (v, w) => {
        const f = object(v, w, ['name', 'backends', 'purpose', 'retention']);
        return { ...described({ name: f['name'], purpose: f['purpose'], retention: f['retention'] }, w), backends: backends(f['backends'], `${w}.backends`) };
      },
      byName,
    ),
    files: list(
      o['files'],
      '$.files',
      (v, w) => {
        const f = object(v, w, ['path', 'backends', 'purpose', 'retention']);
        return { path: text(f['path'], `${w}.path`), backends: backends(f['backends'], `${w}.backends`), purpose: text(f['purpose'], `${w}.purpose`), retention: text(f['retention'], `${w}.retention`) };
      },
      (f) => f.path,
    ),
    logs: {
      format: text(logs['format'], '$.logs.format'),
      defaultLevel: oneOf(logs['defaultLevel'], '$.logs.defaultLevel', ['debug', 'info', 'warn', 'error'] as const),
      retention: text(logs['retention'], '$.logs.retention'),
      fields: list(logs['fields'], '$.logs.fields', described, byName),
    },
    metrics: {
      endpoint: text(metrics['endpoint'], '$.metrics.endpoint'),
      retention: text(metrics['retention'], '$.metrics.retention'),
      families: list(metrics['families'], '$.metrics.families', metric, byName),
    },
    memory: list(o['memory'], '$.memory', described, byName),
  };
}

/** Reads and parses the manifest file. @throws {ManifestError} as {@link parseManifest}; file errors propagate. */
export function loadManifest(path: string = MANIFEST_PATH): Manifest {
  return parseManifest(readFileSync(path, 'utf8'));
}

/** Table name -> column names the manifest lists for one back end. */
export function schemaFor(manifest: Manifest, backend: Backend): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const t of manifest.tables) {
    if (!t.backends.includes(backend)) continue;
    out.set(t.name, new Set(t.columns.filter((c) => (c.backends ?? t.backends).includes(backend)).map((c) => c.name)));
  }
  return out;
}
