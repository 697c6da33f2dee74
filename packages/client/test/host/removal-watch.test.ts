// When a device counts itself removed from its account: a signed list without it at once;
// sign-ins refused as `unauthorized` only REMOVAL_REFUSALS times in a row (an `online`
// between them starts the count again); unreachable or rate-limited relays never; once only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { HostEvent, HostListener } from '../../src/host/events.ts';
import { REMOVAL_REFUSALS, watchForRemoval, type RemovalEvidence } from '../../src/host/removal-watch.ts';

/** An event source with the host's `on`: what the watch subscribes to. */
function events(): { on(listener: HostListener): () => void; emit(event: HostEvent): void } {
  const listeners = new Set<HostListener>();
  return {
    on: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    emit: (event) => {
      for (const listener of listeners) listener(event);
    },
  };
}

const refused: HostEvent = { type: 'sign-in-failed', code: 'unauthorized' };

test('sign-ins refused in a row count as removal; other failures and a success in between do not', () => {
  assert.equal(REMOVAL_REFUSALS, 2);
  const source = events();
  const seen: RemovalEvidence[] = [];
  watchForRemoval(source, (evidence) => seen.push(evidence));
  source.emit(refused);
  source.emit({ type: 'online' });
  source.emit(refused);
  for (const code of ['unavailable', 'rate-limited', 'internal']) source.emit({ type: 'sign-in-failed', code });
  assert.deepEqual(seen, [], 'one refusal, then online, then one refusal: not removed');
  source.emit(refused);
  assert.deepEqual(seen, ['sign-in-refused']);
  source.emit(refused);
  source.emit({ type: 'device-removed' });
  assert.deepEqual(seen, ['sign-in-refused'], 'reported once');
});

test('a signed device list without this device is removal at once; unsubscribing stops the watch', () => {
  const source = events();
  const seen: RemovalEvidence[] = [];
  watchForRemoval(source, (evidence) => seen.push(evidence));
  source.emit({ type: 'device-removed' });
  assert.deepEqual(seen, ['device-list']);

  const other = events();
  const none: RemovalEvidence[] = [];
  const stop = watchForRemoval(other, (evidence) => none.push(evidence));
  stop();
  other.emit({ type: 'device-removed' });
  assert.deepEqual(none, []);
});
