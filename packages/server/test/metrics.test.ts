// Prometheus text of the relay's counters: a counter without labels (bumped per message, its
// key built without allocation) and one with labels (sorted, values escaped) render as before.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { Metrics } from '../src/metrics.ts';

it('renders unlabelled and labelled counters; empty labels and no labels are the same series', () => {
  const metrics = new Metrics();
  metrics.inc('sealed_messages_sent_total');
  metrics.inc('sealed_messages_sent_total', {}, 4);
  metrics.inc('sealed_http_requests_total', { status: '200', route: '/v1/"x"' });
  metrics.inc('sealed_http_requests_total', { route: '/v1/"x"', status: '200' }, 2);
  assert.equal(metrics.get('sealed_messages_sent_total'), 5);
  const text = metrics.render();
  assert.match(text, /^sealed_messages_sent_total 5$/m);
  assert.match(text, /^sealed_http_requests_total\{route="\/v1\/_x_",status="200"\} 3$/m);
});
