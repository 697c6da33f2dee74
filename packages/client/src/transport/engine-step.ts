/**
 * One engine step's actions, performed with the durability discipline every transport
 * keeps (NodeTransport here, the web client's BrowserTransport), so the rule lives once:
 *
 * - the step is one write batch (`store.hold` ... `store.release`);
 * - a record saved without `lazy`, or deleted, is durable before the next frame or request
 *   leaves (`store.flush(true)`); staged writes are applied (not waited for) before an HTTP
 *   request, so a crash while it is answered keeps them; lazy saves are written after the
 *   step's other actions (before an HTTP request at the latest), inside its batch;
 * - every ACK waits until the end of the step and leaves only once everything written in
 *   the step is durable (the decrypted messages and advanced group states, and the host's
 *   history, which the host's `flush`/`release` wait for); a transport may let the next
 *   step start meanwhile (`ackWhenDurable`), the ACKs following the sync; so the relay never drops an
 *   entry whose effects a crash or a closed tab could lose: it redelivers what is not
 *   acknowledged, and the engine skips a copy it already processed by seq;
 * - nothing waits for the disk on the way to a display or to a SEND covered by its
 *   reservation (engine/send-reservation.ts).
 *
 * Portable: no node:* import and no socket; the transport gives its I/O as `StepIo`.
 */
import type { Action } from '../engine/actions.ts';

export interface RecordStore {
  save(record: 'account' | 'group' | 'meta', key: string, bytes: Uint8Array): Promise<void>;
  delete(record: 'group' | 'meta', key: string): Promise<void>;
  /**
   * Optional write batches (a store without them writes every record durably at once):
   * `hold` opens a batch for the actions of one engine step; `flush(true)` makes every
   * write so far durable (before a frame or request that depends on them leaves);
   * `release(durable)` ends the batch, applying what is staged.
   */
  hold?(): void;
  flush?(durable: boolean): Promise<void>;
  release?(durable: boolean): Promise<void>;
  /** Makes every write applied so far durable without applying staged ones (a later step's). */
  sync?(): Promise<void>;
}

type HttpAction = Extract<Action, { type: 'http' }>;
type FrameAction = Extract<Action, { type: 'send-frame' }>;
type SaveAction = Extract<Action, { type: 'save' }>;

/** What a transport does with the actions that are not the store's. */
export interface StepIo {
  /** Performs the request and queues its answer as a later event (after this step's actions). */
  http(action: HttpAction): Promise<void>;
  connect(token: Uint8Array): void;
  /** Sends the frame when signed in; drops it otherwise (the engine resends what needs it). */
  sendFrame(action: FrameAction): void;
  /** Every other action (display, sign-in-failed, ...). */
  other(action: Action): void;
  /** True once the transport is closing: the rest of the step is not performed (its ACKs are not sent). */
  stopped?(): boolean;
  /**
   * Optional pipelining of ACKs (with a store that has `sync`): the step ends once its
   * writes are applied, without waiting for the disk, and `sending` (the step's durable
   * sync, then its ACKs) runs on while the next step is performed; the transport keeps it
   * to know when it is idle. Without it the step waits for the sync and sends its ACKs.
   */
  ackWhenDurable?(sending: Promise<void>): void;
}

/** Performs one engine step's `actions` over `store` and `io` (see the module comment). */
export async function performStep(actions: readonly Action[], store: RecordStore, io: StepIo): Promise<void> {
  store.hold?.();
  let mustSync = false;
  const acks: FrameAction[] = [];
  const pipelined = io.ackWhenDurable !== undefined && store.sync !== undefined;
  try {
    mustSync = await performActions(actions, store, io, acks);
  } finally {
    await store.release?.(mustSync || (acks.length > 0 && !pipelined));
  }
  if (io.stopped?.() === true) return;
  if (acks.length === 0) return;
  if (!pipelined) {
    for (const ack of acks) io.sendFrame(ack);
    return;
  }
  // The step's writes are applied (released above); the ACKs leave once they are durable.
  // The next step does not wait for the disk: on a slow fsync it was held behind it.
  io.ackWhenDurable!(
    store.sync!().then(() => {
      if (io.stopped?.() !== true) for (const ack of acks) io.sendFrame(ack);
    }),
  );
}

/**
 * The actions in order; ACK frames are left in `acks`. Returns whether a durable write is
 * still owed. Lazy saves (records of received messages, receipt state) are written after
 * the step's other actions, as their contract allows (actions.ts): a shown message reaches
 * the UI, and a SEND the relay, before those records are encrypted for the vault; they are
 * staged in the same batch, so the step's ACKs still wait for them. A later save or delete
 * of the same record replaces a lazy save still waiting (the later action wins, as in order).
 */
async function performActions(actions: readonly Action[], store: RecordStore, io: StepIo, acks: FrameAction[]): Promise<boolean> {
  let mustSync = false;
  const sync = async (): Promise<void> => {
    if (!mustSync) return;
    await store.flush?.(true);
    mustSync = false;
  };
  const lazySaves = new Map<string, SaveAction>();
  const saveLazy = async (): Promise<void> => {
    for (const save of lazySaves.values()) await store.save(save.record, save.key, save.bytes);
    lazySaves.clear();
  };
  for (const action of actions) {
    if (io.stopped?.() === true) break;
    switch (action.type) {
      case 'http':
        await saveLazy();
        await sync();
        // Staged writes are applied before waiting for an answer (a crash meanwhile keeps them).
        await store.flush?.(false);
        await io.http(action);
        break;
      case 'connect':
        io.connect(action.token);
        break;
      case 'send-frame':
        if (action.frame.type === 'ack') acks.push(action);
        else {
          await sync();
          io.sendFrame(action);
        }
        break;
      case 'save': {
        const id = `${action.record}:${action.key}`;
        lazySaves.delete(id);
        if (action.lazy === true) {
          lazySaves.set(id, action);
          break;
        }
        await store.save(action.record, action.key, action.bytes);
        mustSync = true;
        break;
      }
      case 'delete':
        lazySaves.delete(`${action.record}:${action.key}`);
        await store.delete(action.record, action.key);
        mustSync = true;
        break;
      default:
        io.other(action);
    }
  }
  await saveLazy();
  return mustSync;
}
