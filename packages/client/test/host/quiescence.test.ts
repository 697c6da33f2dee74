// What "settled" means for a one-shot command: online, caught up with what READY announced,
// no HTTP request and no SEND without its answer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Quiescence } from '../../src/host/quiescence.ts';

const send = (requestId: number) => ({ type: 'send-frame' as const, frame: { type: 'send' as const, requestId, clientMessageId: new Uint8Array(16), kind: 'application' as const, epoch: 0, groupId: new Uint8Array(1), recipients: [], payload: new Uint8Array(0) } });

test('settled only when online, caught up, and every request and SEND is answered', () => {
  const q = new Quiescence();
  assert.equal(q.settled(), false, 'offline');
  q.actions([{ type: 'http', id: 1, request: { kind: 'challenge' } }]);
  q.event({ type: 'frame', frame: { type: 'ready', queued: 2 } as never });
  assert.equal(q.settled(), false, 'an HTTP request and two entries outstanding');
  q.event({ type: 'http-response', id: 1, outcome: { ok: true, body: {} } });
  q.actions([{ type: 'send-frame', frame: { type: 'ack', seqs: [1] } }]);
  assert.equal(q.settled(), false, 'one entry still to process');
  q.actions([{ type: 'send-frame', frame: { type: 'ack', seqs: [2] } }, send(9)]);
  assert.equal(q.settled(), false, 'a SEND without its answer');
  q.event({ type: 'frame', frame: { type: 'sent', requestId: 9, seq: 0, duplicate: false } as never });
  assert.equal(q.settled(), true);
  q.event({ type: 'socket-down' });
  assert.equal(q.settled(), false, 'offline again');
  q.event({ type: 'frame', frame: { type: 'ready', queued: 0 } as never });
  assert.equal(q.settled(), true);
  q.actions([send(10)]);
  q.event({ type: 'frame', frame: { type: 'error', requestId: 10, code: 'stale-epoch', value: 3 } as never });
  assert.equal(q.settled(), true, 'an ERROR answers a SEND too');
  assert.match(q.describe(), /online=true catch-up=0 http=0 sends=0/);
});
