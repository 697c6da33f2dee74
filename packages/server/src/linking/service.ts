/**
 * Device-link mailboxes (protocol link.ts): a new device opens one with its public offer,
 * an existing device of an account answers it once with HPKE ciphertext the server cannot
 * read, and the new device takes the answer (which deletes the mailbox). The server learns
 * that some device is being linked, the new device's public keys (which the account's
 * device list names anyway once linked) and the sizes of two blobs; not which account the
 * offer belongs to until it is answered, and never the answer's content.
 */
import { LINK_TTL_MS } from '@sealed/protocol/link';
import { ID_BYTES } from '@sealed/protocol/limits';
import { ServerError } from '../errors.ts';
import { randomBytes, sha256 } from '../keys/ed25519.ts';
import { StorageError } from '../storage/errors.ts';
import type { Millis } from '../storage/types.ts';
import type { LinkRecord, LinkStore } from './store.ts';

/**
 * Unexpired mailboxes at once (server-wide). Each holds at most one offer (4 KiB) and one
 * answer (256 KiB): 10,000 bound the table at about 2.6 GB in the worst case, and far
 * exceed real linking traffic; creation is also rate-limited per source.
 */
export const MAX_OPEN_LINKS = 10_000;

export class LinkService {
  constructor(
    private readonly store: LinkStore,
    private readonly now: () => Millis,
  ) {}

  /** @throws ServerError('unavailable') when MAX_OPEN_LINKS mailboxes are open. */
  async create(offer: Uint8Array): Promise<{ linkId: Uint8Array; expiresAt: Millis }> {
    const linkId = randomBytes(ID_BYTES);
    const now = this.now();
    const expiresAt = now + LINK_TTL_MS;
    try {
      await this.store.createLink(sha256(linkId), offer, expiresAt, now, MAX_OPEN_LINKS);
    } catch (error) {
      if (error instanceof StorageError && error.code === 'limit-reached') throw new ServerError('unavailable', 'too many open links; retry later');
      throw error;
    }
    return { linkId, expiresAt };
  }

  /** @throws ServerError('not-found') for an unknown, expired or already taken mailbox. */
  async take(linkId: Uint8Array): Promise<LinkRecord> {
    const record = await this.store.takeLink(sha256(linkId), this.now());
    if (record === undefined) throw new ServerError('not-found', 'link');
    return record;
  }

  /** @throws ServerError('not-found') unknown or expired, ('forbidden') already answered. */
  async seal(linkId: Uint8Array, sealed: Uint8Array): Promise<void> {
    try {
      await this.store.sealLink(sha256(linkId), sealed, this.now());
    } catch (error) {
      if (error instanceof StorageError && error.code === 'not-found') throw new ServerError('not-found', 'link');
      if (error instanceof StorageError && error.code === 'conflict') throw new ServerError('forbidden', 'link already answered');
      throw error;
    }
  }

  sweep(): Promise<number> {
    return this.store.deleteExpiredLinks(this.now());
  }
}
