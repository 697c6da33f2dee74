// The sign-up's key-transparency freshness bound: what the form accepts, the vault record's
// round trip, and every malformed input or record refused with FreshnessError.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeFreshness, encodeFreshness, FreshnessError, MAX_FRESHNESS_SECONDS, parseFreshnessSeconds } from '../src/host/kt-freshness.ts';

test('the form: empty is the log bound; whole seconds 1..MAX are taken', () => {
  assert.equal(parseFreshnessSeconds(''), undefined);
  assert.equal(parseFreshnessSeconds('  '), undefined);
  assert.equal(parseFreshnessSeconds('1'), 1);
  assert.equal(parseFreshnessSeconds(' 90 '), 90);
  assert.equal(parseFreshnessSeconds(String(MAX_FRESHNESS_SECONDS)), MAX_FRESHNESS_SECONDS);
});

test('the form refuses anything else with FreshnessError', () => {
  for (const text of ['0', '-5', '1.5', '1e3', '0x10', '010', 'ten', String(MAX_FRESHNESS_SECONDS + 1), '9'.repeat(40)]) {
    assert.throws(() => parseFreshnessSeconds(text), FreshnessError, text);
  }
});

test('the record round trip; malformed records are refused with FreshnessError', () => {
  for (const seconds of [1, 8, 600, MAX_FRESHNESS_SECONDS]) assert.equal(decodeFreshness(encodeFreshness(seconds)), seconds);
  for (const seconds of [0, -1, 1.5, MAX_FRESHNESS_SECONDS + 1, Number.NaN]) assert.throws(() => encodeFreshness(seconds), FreshnessError, String(seconds));
  const cases: [string, Uint8Array][] = [
    ['empty', new Uint8Array(0)],
    ['three octets', Uint8Array.of(0, 0, 8)],
    ['five octets', Uint8Array.of(0, 0, 0, 8, 0)],
    ['zero', Uint8Array.of(0, 0, 0, 0)],
    ['too long a bound', Uint8Array.of(0xff, 0xff, 0xff, 0xff)],
  ];
  for (const [what, data] of cases) assert.throws(() => decodeFreshness(data), FreshnessError, what);
});
