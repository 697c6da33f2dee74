// The drain's window sizing: fast growth for small messages, a bounded window for large ones.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { MAX_DELIVERY_WINDOW, MIN_DELIVERY_WINDOW, nextWindow, WINDOW_BYTE_BUDGET } from '../../src/ws/connection.ts';

it('grows x4 while far under the byte budget, x2 under half of it, and halves above it', () => {
  assert.equal(nextWindow(MIN_DELIVERY_WINDOW, 4 * 200), MIN_DELIVERY_WINDOW * 4);
  assert.equal(nextWindow(256, WINDOW_BYTE_BUDGET / 3), 512);
  assert.equal(nextWindow(256, WINDOW_BYTE_BUDGET * 0.75), 256);
  assert.equal(nextWindow(256, WINDOW_BYTE_BUDGET + 1), 128);
  assert.equal(nextWindow(MAX_DELIVERY_WINDOW, 0), MAX_DELIVERY_WINDOW);
  assert.equal(nextWindow(MIN_DELIVERY_WINDOW, 4 * 1024 * 1024), MIN_DELIVERY_WINDOW);
  // 200-byte messages reach the largest window after four windows (4, 16, 64, 256, 1024).
  let window = MIN_DELIVERY_WINDOW;
  for (let i = 0; i < 4; i++) window = nextWindow(window, window * 200);
  assert.equal(window, MAX_DELIVERY_WINDOW);
});
