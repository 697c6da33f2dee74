/**
 * What the engine is told: user intents, the host's reports of actions it performed, frames
 * from the relay, and clock ticks. The clock is an input (STYLE.md habit 1): the engine
 * never reads the time itself.
 */
import type { ServerFrame } from '@sealed/protocol/frames/server';

/** The outcome of an `http` action: the parsed JSON body, or the relay's error code. */
export type HttpOutcome =
  | { readonly ok: true; readonly body: unknown }
  | { readonly ok: false; readonly status: number; readonly code: string };

export type EngineEvent =
  | { readonly type: 'http-response'; readonly id: number; readonly outcome: HttpOutcome }
  | { readonly type: 'frame'; readonly frame: ServerFrame }
  /** The socket is gone (the host reconnects later, with `socket-closed`): nothing is encrypted meanwhile. */
  | { readonly type: 'socket-down' }
  /** Reconnect now: the engine signs in again and connects (catch-up follows READY). */
  | { readonly type: 'socket-closed' }
  | { readonly type: 'tick'; readonly now: number };
