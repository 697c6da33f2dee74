/**
 * Token buckets kept in memory, per node (a fleet of N nodes admits up to N times a limit;
 * each node still protects its own storage). Keys are device ids or keyed hashes of source
 * addresses (never stored or logged); the map is bounded so a flood of distinct keys cannot
 * exhaust memory: when full, buckets that are full again (idle keys) are dropped, and if
 * none is, the new key is refused (fail closed).
 */

export interface RateLimit {
  /** Tokens added per second. */
  readonly perSecond: number;
  /** Bucket size: the largest burst. */
  readonly burst: number;
}

/** Keys tracked per limiter; far above honest use on one node, bounded for floods. */
export const MAX_RATE_LIMIT_KEYS = 100_000;

interface Bucket {
  tokens: number;
  at: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly limit: RateLimit,
    private readonly now: () => number,
    private readonly maxKeys = MAX_RATE_LIMIT_KEYS,
  ) {}

  /** Takes one token for `key`; returns 0 when allowed, else milliseconds until one is available. */
  take(key: string): number {
    const now = this.now();
    let bucket = this.buckets.get(key);
    if (bucket === undefined) {
      if (this.buckets.size >= this.maxKeys && !this.evictIdle(now)) return 1000;
      bucket = { tokens: this.limit.burst, at: now };
      this.buckets.set(key, bucket);
    } else {
      bucket.tokens = Math.min(this.limit.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.limit.perSecond);
      bucket.at = now;
    }
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - bucket.tokens) / this.limit.perSecond) * 1000);
  }

  private evictIdle(now: number): boolean {
    let evicted = false;
    for (const [key, bucket] of this.buckets) {
      if (bucket.tokens + ((now - bucket.at) / 1000) * this.limit.perSecond >= this.limit.burst) {
        this.buckets.delete(key);
        evicted = true;
      }
    }
    return evicted;
  }
}
