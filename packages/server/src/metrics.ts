/**
 * Counters and gauges in the Prometheus text format (exposition format 0.0.4). Label values
 * are fixed strings (routes, error codes, kinds): never identifiers. The metric names and
 * labels are listed in the disclosure manifest.
 */

type Labels = Readonly<Record<string, string>>;

interface Family {
  readonly help: string;
  readonly type: 'counter' | 'gauge';
  readonly values: Map<string, number>;
}

function labelKey(labels: Labels): string {
  // Counters bumped per message carry no labels: their key costs no allocation.
  for (const name in labels) if (Object.hasOwn(labels, name)) return formatLabels(labels);
  return '';
}

function formatLabels(labels: Labels): string {
  const parts = Object.entries(labels)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => `${k}="${v.replace(/[\\"\n]/g, '_')}"`);
  return parts.length === 0 ? '' : `{${parts.join(',')}}`;
}

export class Metrics {
  private readonly families = new Map<string, Family>();

  constructor() {
    this.define('sealed_http_requests_total', 'counter', 'HTTP requests by route pattern and status.');
    this.define('sealed_ws_connections', 'gauge', 'Open WebSocket connections (authenticated or not).');
    this.define('sealed_messages_sent_total', 'counter', 'Sends accepted (one per SEND, not per recipient).');
    this.define('sealed_entries_enqueued_total', 'counter', 'Queue entries written (one per recipient device).');
    this.define('sealed_entries_delivered_total', 'counter', 'Queue entries written to a socket.');
    this.define('sealed_entries_acked_total', 'counter', 'Queue entries deleted on acknowledgement.');
    this.define('sealed_entries_expired_total', 'counter', 'Queue entries deleted by expiry.');
    this.define('sealed_errors_total', 'counter', 'Errors returned, by protocol error code.');
    this.define('sealed_rate_limited_total', 'counter', 'Requests refused by a rate limit, by limit.');
  }

  private define(name: string, type: Family['type'], help: string): void {
    this.families.set(name, { help, type, values: new Map() });
  }

  private family(name: string): Family {
    const family = this.families.get(name);
    if (family === undefined) throw new Error(`unknown metric ${name}`);
    return family;
  }

  inc(name: string, labels: Labels = {}, by = 1): void {
    const values = this.family(name).values;
    const key = labelKey(labels);
    values.set(key, (values.get(key) ?? 0) + by);
  }

  set(name: string, value: number, labels: Labels = {}): void {
    this.family(name).values.set(labelKey(labels), value);
  }

  get(name: string, labels: Labels = {}): number {
    return this.family(name).values.get(labelKey(labels)) ?? 0;
  }

  /** Prometheus text exposition. */
  render(): string {
    let out = '';
    for (const [name, family] of this.families) {
      out += `# HELP ${name} ${family.help}\n# TYPE ${name} ${family.type}\n`;
      if (family.values.size === 0 && family.type === 'gauge') out += `${name} 0\n`;
      for (const [key, value] of family.values) out += `${name}${key} ${value}\n`;
    }
    return out;
  }
}
