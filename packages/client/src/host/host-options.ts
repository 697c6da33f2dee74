/**
 * What a host is made of on a platform (host.ts): the transport it drives, what it gives
 * that transport, and its options. The Node wiring is node-host.ts; the browser's is in
 * packages/web.
 */
import type { CryptoProvider } from '@sealed/crypto/provider';
import type { Action } from '../engine/actions.ts';
import type { EngineEvent } from '../engine/events.ts';
import type { EngineOptions } from '../engine/engine.ts';
import type { RecordStore } from '../transport/node-transport.ts';
import type { TransparencyHook } from '../transparency/transport-hook.ts';
import type { Vault } from '../vault/vault.ts';
import type { KtTiming, KtTrust } from './transparency-host.ts';

/** What a platform's transport must offer the host (NodeTransport does; a browser one will). */
export interface HostTransport {
  run(actions: readonly Action[]): Promise<void>;
  dispatch(event: EngineEvent): Promise<void>;
  idle(): Promise<void>;
  close(): void;
  readonly failure: unknown;
}

/** What the host gives a transport: the engine seen through its observer, where to save, where to report. */
export interface TransportParts {
  readonly baseUrl: string;
  /** The engine's `handle`, observed by the host: the transport must call only this. */
  readonly handle: (event: EngineEvent) => Action[];
  readonly store: RecordStore;
  readonly onAction: (action: Action) => void;
  /**
   * Key transparency for the transport: pass every engine HTTP action through
   * `transparentHttp(parts.transparency, action, plain)` (transparency/transport-hook.ts).
   * While transparency is off it passes answers through unchanged.
   */
  readonly transparency: TransparencyHook;
}

export type TransportFactory = (parts: TransportParts) => HostTransport;

export interface HostOptions {
  readonly provider: CryptoProvider;
  /** An unlocked vault; the host locks it on `close()`. */
  readonly vault: Vault;
  readonly transport: TransportFactory;
  /** Milliseconds since the Unix epoch (default Date.now). */
  readonly clock?: () => number;
  readonly tickMs?: number;
  /** Key packages kept on the relay (engine default when absent). */
  readonly keyPackageTarget?: number;
  /**
   * Key transparency: `pin` is saved in the vault at account creation or link (what the
   * user trusts: transparency-host.ts KtTrust); a vault with a pinned trust runs it on every
   * open. `timing` overrides the monitoring and retry periods.
   */
  readonly transparency?: { readonly pin?: KtTrust; readonly timing?: KtTiming };
}

/**
 * The engine's options for a host: delivery receipts are deferred (sent DELIVERY_RECEIPT_DELAY_MS
 * after the first message shown without one, on the next tick, or by `settle`), so a message
 * is shown before its receipt is encrypted and a burst of messages gets one receipt.
 */
export function engineOptions(options: HostOptions, now: number): EngineOptions {
  return { provider: options.provider, now, deferDeliveryReceipts: true, ...(options.keyPackageTarget === undefined ? {} : { keyPackageTarget: options.keyPackageTarget }) };
}
