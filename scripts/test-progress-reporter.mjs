// A node:test reporter that prints nothing for people: it tells scripts/test.mjs, through the
// file descriptor named by SEALED_TEST_PROGRESS_FD, that the test file has started running
// tests and, at the end, how many passed, failed and were skipped. The runner uses the first
// line to tell a test file that is running from one whose process hung while loading.
import { writeSync } from 'node:fs';

const fd = Number(process.env.SEALED_TEST_PROGRESS_FD);

function tell(line) {
  if (!Number.isInteger(fd) || fd < 3) return;
  try {
    writeSync(fd, `${line}\n`);
  } catch {
    // The runner went away; nothing to tell.
  }
}

// A reporter must be an async generator; this one writes to its side channel, never to its destination.
// eslint-disable-next-line require-yield
export default async function* progress(source) {
  let started = false;
  const counts = { pass: 0, fail: 0, skip: 0, todo: 0 };
  for await (const event of source) {
    if (!started && (event.type === 'test:start' || event.type === 'test:enqueue' || event.type === 'test:dequeue')) {
      started = true;
      tell('started');
    }
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    // Suites are containers; count only the tests inside them, as the spec reporter's summary does.
    if (event.data.details?.type === 'suite') continue;
    if (event.data.skip !== undefined && event.data.skip !== false) counts.skip += 1;
    else if (event.data.todo !== undefined && event.data.todo !== false) counts.todo += 1;
    else if (event.type === 'test:pass') counts.pass += 1;
    else counts.fail += 1;
  }
  tell(`counts ${JSON.stringify(counts)}`);
}
