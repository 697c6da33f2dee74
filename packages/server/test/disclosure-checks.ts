/**
 * Comparisons between the disclosure manifest and what a real server wrote. Each returns a
 * list of problems (empty when the manifest is exactly true), so a failing test names every
 * difference at once, and the drift tests can prove each check notices a change.
 */
import { LOG_FIELDS } from '../src/log.ts';
import type { Backend, Manifest } from '../src/disclosure/manifest.ts';
import { schemaFor } from '../src/disclosure/manifest.ts';
import { IP_TEXT, type Schema } from './disclosure-scenario.ts';

/** Both directions: what exists but is not listed, and what is listed but does not exist. */
export function schemaProblems(manifest: Manifest, backend: Backend, actual: Schema): string[] {
  const listed = schemaFor(manifest, backend);
  const problems: string[] = [];
  for (const [table, columns] of actual) {
    const want = listed.get(table);
    if (want === undefined) {
      problems.push(`${backend}: table ${table} is not in the manifest`);
      continue;
    }
    for (const c of columns) if (!want.has(c)) problems.push(`${backend}: column ${table}.${c} is not in the manifest`);
    for (const c of want) if (!columns.has(c)) problems.push(`${backend}: manifest lists ${table}.${c}, which does not exist`);
  }
  for (const table of listed.keys()) if (!actual.has(table)) problems.push(`${backend}: manifest lists table ${table}, which does not exist`);
  return problems;
}

/** PostgreSQL functions against the manifest's, both directions. */
export function functionProblems(manifest: Manifest, backend: Backend, actual: readonly string[]): string[] {
  const listed = new Set(manifest.functions.filter((f) => f.backends.includes(backend)).map((f) => f.name));
  return [
    ...actual.filter((f) => !listed.has(f)).map((f) => `${backend}: function ${f} is not in the manifest`),
    ...[...listed].filter((f) => !actual.includes(f)).map((f) => `${backend}: manifest lists function ${f}, which does not exist`),
  ];
}

/** Data-directory files against the manifest's path patterns (`<id>` is an attachment id). */
export function fileProblems(manifest: Manifest, backend: Backend, files: readonly string[]): string[] {
  const patterns = manifest.files
    .filter((f) => f.backends.includes(backend))
    .map((f) => new RegExp(`^${f.path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace('<id>', '[0-9a-f]{64}')}$`));
  return files.filter((f) => !patterns.some((p) => p.test(f.split('\\').join('/')))).map((f) => `${backend}: file ${f} is not in the manifest`);
}

/** The JSON envelope every log line has besides its fields. */
const ENVELOPE = ['time', 'level', 'msg'];

/**
 * Captured log lines against the manifest: every key listed, nothing redacted, no IP address
 * except the server's own listen address in the `listening` line; and the manifest's field
 * list equal to the logger's allow-list (so it cannot list fields that no longer exist).
 */
export function logProblems(manifest: Manifest, lines: readonly string[]): string[] {
  const listed = new Set(manifest.logs.fields.map((f) => f.name));
  const problems: string[] = [];
  const allowed = new Set([...ENVELOPE, ...LOG_FIELDS]);
  for (const f of listed) if (!allowed.has(f)) problems.push(`log: manifest lists field ${f}, which the logger cannot write`);
  for (const f of allowed) if (!listed.has(f)) problems.push(`log: the logger allows field ${f}, which the manifest does not list`);
  for (const line of lines) {
    let entry: Record<string, unknown>;
    try {
      entry = JSON.parse(line) as Record<string, unknown>;
    } catch {
      problems.push(`log: not a JSON line: ${line.slice(0, 80)}`);
      continue;
    }
    for (const [key, value] of Object.entries(entry)) {
      if (!listed.has(key)) problems.push(`log: field ${key} is not in the manifest (event ${String(entry['event'])})`);
      if (value === '[redacted]') problems.push(`log: field ${key} was redacted (a caller passed an unlisted field)`);
      const ownAddress = entry['event'] === 'listening' && key === 'host';
      if (!ownAddress && IP_TEXT.test(String(value))) problems.push(`log: an IP address in field ${key}: ${line}`);
    }
  }
  return problems;
}

export interface ParsedMetrics {
  readonly families: Map<string, string>;
  readonly samples: { name: string; labels: Map<string, string> }[];
}

/** Parses the Prometheus text format the server writes (HELP/TYPE lines and samples). */
export function parseMetrics(text: string): ParsedMetrics {
  const families = new Map<string, string>();
  const samples: ParsedMetrics['samples'] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('# HELP ')) continue;
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type) {
      families.set(type[1]!, type[2]!);
      continue;
    }
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (sample === null) throw new Error(`unparsable metrics line: ${line}`);
    const labels = new Map<string, string>();
    for (const m of (sample[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="([^"]*)"/g)) labels.set(m[1]!, m[2]!);
    samples.push({ name: sample[1]!, labels });
  }
  return { families, samples };
}

/** Things a label value must never be: an address, an identifier (long hex), a username. */
const NOT_A_LABEL_VALUE = [IP_TEXT, /[0-9a-f]{16,}/i, /alice|bob/i];

/**
 * /metrics against the manifest: every family and label listed with its type, and every
 * listed family and label present (the scenario exercises each label), no identifying value.
 */
export function metricProblems(manifest: Manifest, text: string): string[] {
  const { families, samples } = parseMetrics(text);
  const listed = new Map(manifest.metrics.families.map((f) => [f.name, f]));
  const problems: string[] = [];
  for (const [name, type] of families) {
    const f = listed.get(name);
    if (f === undefined) problems.push(`metrics: family ${name} is not in the manifest`);
    else if (f.type !== type) problems.push(`metrics: ${name} is a ${type}, the manifest says ${f.type}`);
  }
  for (const name of listed.keys()) if (!families.has(name)) problems.push(`metrics: manifest lists ${name}, which the server does not export`);
  const seen = new Set<string>();
  for (const s of samples) {
    const f = listed.get(s.name);
    for (const [label, value] of s.labels) {
      seen.add(`${s.name}{${label}}`);
      if (f !== undefined && !f.labels.some((l) => l.name === label)) problems.push(`metrics: label ${s.name}{${label}} is not in the manifest`);
      if (NOT_A_LABEL_VALUE.some((p) => p.test(value))) problems.push(`metrics: label ${s.name}{${label}} has an identifying value ${value}`);
    }
  }
  for (const f of listed.values()) {
    for (const l of f.labels) if (!seen.has(`${f.name}{${l.name}}`)) problems.push(`metrics: manifest lists label ${f.name}{${l.name}}, never seen`);
  }
  return problems;
}
