/**
 * Knows, from the actions the engine returned and the events it was fed, whether anything
 * is still under way: HTTP requests without an answer, SENDs without SENT/ERROR, entries
 * the relay announced at READY and we have not acknowledged yet. A one-shot command waits
 * for "settled" before it exits, so what it started reached the relay and what waited for
 * it was processed and saved. Pure bookkeeping, no I/O.
 */
import type { Action } from '../engine/actions.ts';
import type { EngineEvent } from '../engine/events.ts';

/** Request ids tracked at once; beyond it the engine is misbehaving (it bounds its own queues far lower). */
export const MAX_TRACKED_REQUESTS = 100_000;

export class Quiescence {
  private readonly http = new Set<number>();
  private readonly sends = new Set<number>();
  /** Entries announced by READY still to be acknowledged. */
  private catchUp = 0;
  online = false;
  /** READY seen at least once since start. */
  everReady = false;

  /** Records what the engine asked for. */
  actions(actions: readonly Action[]): void {
    for (const action of actions) {
      if (action.type === 'http') this.track(this.http, action.id);
      else if (action.type === 'send-frame') {
        const frame = action.frame;
        if (frame.type === 'send') this.track(this.sends, frame.requestId);
        else if (frame.type === 'ack') this.catchUp = Math.max(0, this.catchUp - frame.seqs.length);
      }
    }
  }

  /** Records what the engine is told. */
  event(event: EngineEvent): void {
    switch (event.type) {
      case 'http-response':
        this.http.delete(event.id);
        break;
      case 'socket-down':
      case 'socket-closed':
        this.online = false;
        break;
      case 'frame': {
        const frame = event.frame;
        if (frame.type === 'ready') {
          this.online = true;
          this.everReady = true;
          this.catchUp = frame.queued;
        } else if (frame.type === 'sent' || frame.type === 'error') this.sends.delete(frame.requestId);
        break;
      }
      case 'tick':
        break;
    }
  }

  /** Online, caught up, and no request or SEND waiting for an answer. */
  settled(): boolean {
    return this.online && this.catchUp === 0 && this.http.size === 0 && this.sends.size === 0;
  }

  /** For messages: what is still pending. */
  describe(): string {
    return `online=${this.online} catch-up=${this.catchUp} http=${this.http.size} sends=${this.sends.size}`;
  }

  private track(set: Set<number>, id: number): void {
    if (set.size < MAX_TRACKED_REQUESTS) set.add(id);
  }
}
