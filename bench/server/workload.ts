/**
 * The workload shape shared by every system measured (Sealed, NATS JetStream, NATS core):
 * K sender/receiver pairs; a message is complete once the sender got its answer (stored and
 * acknowledged, where the system stores) AND the receiver got it. Latency is from the send
 * call to the receiver's arrival callback, on one clock (one process).
 *
 * - closed loop (saturation): each pair keeps at most `inflight` messages incomplete and
 *   sends `messages` in all;
 * - open loop (offered rate): messages are offered at a fixed total rate, round-robin over
 *   the pairs, for a fixed time (a pair at its in-flight cap skips its turn, counted).
 * Every loop is bounded by the message count and a timeout.
 */
import { quantile } from './stats.ts';

export interface PairEvents {
  /** The sender's answer for `tag` (ok false: the system refused it). */
  answered(tag: number, ok: boolean): void;
  /** The receiver got `tag`. */
  delivered(tag: number): void;
}

/** One connected sender/receiver pair of some system. */
export interface Pair {
  /** Installs the callbacks for the next phase (tags restart at 0 each phase). */
  bind(events: PairEvents): void;
  /** Sends the message numbered `tag`; its payload carries the tag. */
  send(tag: number): void;
}

export interface LoadResult {
  readonly messages: number;
  readonly errors: number;
  /** Offered but skipped because the pair was at its in-flight cap (open loop only). */
  readonly skipped: number;
  readonly seconds: number;
  readonly perSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

interface PairState {
  readonly sentAt: Float64Array;
  readonly flags: Uint8Array;
  next: number;
  inflight: number;
}

const ANSWERED = 1;
const DELIVERED = 2;

function track(pairs: readonly Pair[], capacity: number, onComplete: (pair: number) => void) {
  const latencies: number[] = [];
  let errors = 0;
  let completed = 0;
  const states: PairState[] = pairs.map(() => ({ sentAt: new Float64Array(capacity), flags: new Uint8Array(capacity), next: 0, inflight: 0 }));
  pairs.forEach((pair, index) => {
    const state = states[index]!;
    const mark = (tag: number, flag: number, now: number | undefined) => {
      if (tag >= capacity || (state.flags[tag]! & flag) !== 0) return;
      state.flags[tag]! |= flag;
      if (flag === DELIVERED && now !== undefined) latencies.push(now - state.sentAt[tag]!);
      if (state.flags[tag] === (ANSWERED | DELIVERED)) {
        state.inflight--;
        completed++;
        onComplete(index);
      }
    };
    pair.bind({
      answered: (tag, ok) => {
        if (!ok) {
          errors++;
          // A refused message will never arrive: count it complete so the loop ends.
          mark(tag, DELIVERED, undefined);
        }
        mark(tag, ANSWERED, performance.now());
      },
      delivered: (tag) => mark(tag, DELIVERED, performance.now()),
    });
  });
  const send = (index: number): boolean => {
    const state = states[index]!;
    if (state.next >= capacity) return false;
    const tag = state.next++;
    state.inflight++;
    state.sentAt[tag] = performance.now();
    pairs[index]!.send(tag);
    return true;
  };
  return { states, latencies, send, completed: () => completed, errors: () => errors };
}

function summary(messages: number, errors: number, skipped: number, ms: number, latencies: number[]): LoadResult {
  return {
    messages,
    errors,
    skipped,
    seconds: ms / 1000,
    perSecond: (messages * 1000) / ms,
    p50Ms: quantile(latencies, 0.5),
    p99Ms: quantile(latencies, 0.99),
  };
}

/**
 * Saturation: every pair sends `messages` with at most `inflight` incomplete.
 * @throws when not all messages complete within `timeoutMs`.
 */
export function closedLoop(pairs: readonly Pair[], messages: number, inflight: number, timeoutMs: number): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const total = pairs.length * messages;
    let t: ReturnType<typeof track> | undefined = undefined;
    const start = performance.now();
    const timer = setTimeout(() => reject(new Error(`closed loop: ${t?.completed()} of ${total} complete after ${timeoutMs} ms`)), timeoutMs);
    t = track(pairs, messages, (index) => {
      const tr = t!;
      if (tr.states[index]!.inflight < inflight) tr.send(index);
      if (tr.completed() === total) {
        clearTimeout(timer);
        resolve(summary(total, tr.errors(), 0, performance.now() - start, tr.latencies));
      }
    });
    const tr = t;
    for (let i = 0; i < pairs.length; i++) for (let k = 0; k < Math.min(inflight, messages); k++) tr.send(i);
  });
}

/**
 * Offered rate: `rate` messages per second in total for `seconds`, then waits for the rest.
 * @throws when the offered messages do not complete within `seconds` plus `graceMs`.
 */
export function openLoop(pairs: readonly Pair[], rate: number, seconds: number, inflight: number, graceMs: number): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const offered = Math.round(rate * seconds);
    const perPair = Math.ceil(offered / pairs.length);
    let sent = 0;
    let skipped = 0;
    let finished = false;
    const t = track(pairs, perPair, () => check());
    const start = performance.now();
    const check = () => {
      if (!finished && sent + skipped === offered && t.completed() === sent) {
        finished = true;
        clearTimeout(deadline);
        resolve(summary(sent, t.errors(), skipped, performance.now() - start, t.latencies));
      }
    };
    const deadline = setTimeout(() => {
      finished = true;
      reject(new Error(`open loop: ${t.completed()} of ${sent} complete after ${seconds} s + ${graceMs} ms`));
    }, seconds * 1000 + graceMs);
    const tick = () => {
      if (finished) return;
      const due = Math.min(offered, Math.floor(((performance.now() - start) * rate) / 1000));
      // Bounded by `offered`.
      while (sent + skipped < due) {
        const index = (sent + skipped) % pairs.length;
        if (t.states[index]!.inflight < inflight && t.send(index)) sent++;
        else skipped++;
      }
      if (sent + skipped < offered) setTimeout(tick, 1);
      else check();
    };
    tick();
  });
}
