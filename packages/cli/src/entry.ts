/**
 * The process entry of `sealed` (bin/sealed.mjs loads it). Every import is static, so once
 * this body runs all code is loaded.
 */
import { writeSync } from 'node:fs';
import { main } from './main.ts';

// Tests start many processes; on Node 20 a process now and then hangs while tsx loads
// modules. The test harness passes a descriptor and restarts a process that never wrote to it.
const startFd = process.env['SEALED_TEST_START_FD'];
if (startFd !== undefined) writeSync(Number(startFd), 'started\n');

// A reader that went away (`sealed ... | head`) is not an error of ours.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
});

const code = await main(process.argv.slice(2));
// Let stdout drain, then exit even if a socket or timer lingers.
process.stdout.write('', () => process.exit(code));
