/**
 * Memory of the run: the resident set of every server process (read from /proc, so a
 * restarted node is followed by its new pid) and of this process, which hosts all simulated
 * users, sampled on an interval. "Memory stays bounded" is checked against these samples.
 */
import { readFileSync } from 'node:fs';
import type { Cluster } from './cluster.ts';

const SAMPLE_EVERY_MS = 1_000;

export interface MemorySummary {
  /** Highest resident set of any one server process, MiB. */
  readonly serverPeakMiB: number;
  /** Resident set of the server processes at the last sample, MiB each. */
  readonly serverLastMiB: readonly number[];
  /** Highest heap use of the process running the simulated users, MiB. */
  readonly clientsHeapPeakMiB: number;
  readonly samples: number;
}

function residentMiB(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /VmRSS:\s+(\d+) kB/.exec(status);
    return match === null ? undefined : Number(match[1]) / 1024;
  } catch {
    return undefined; // between a kill and a restart
  }
}

export class MemorySampler {
  private timer: NodeJS.Timeout | undefined;
  private serverPeak = 0;
  private serverLast: number[] = [];
  private heapPeak = 0;
  private samples = 0;

  constructor(private readonly cluster: Cluster) {}

  start(): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), SAMPLE_EVERY_MS);
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  sample(): void {
    this.samples++;
    const sizes = this.cluster.serverPids().map(residentMiB).filter((x): x is number => x !== undefined);
    if (sizes.length > 0) this.serverLast = sizes;
    for (const size of sizes) this.serverPeak = Math.max(this.serverPeak, size);
    this.heapPeak = Math.max(this.heapPeak, process.memoryUsage().heapUsed / 2 ** 20);
  }

  summary(): MemorySummary {
    return { serverPeakMiB: round(this.serverPeak), serverLastMiB: this.serverLast.map(round), clientsHeapPeakMiB: round(this.heapPeak), samples: this.samples };
  }
}

const round = (x: number) => Math.round(x * 10) / 10;
