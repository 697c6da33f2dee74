#!/usr/bin/env node
// `sealed-server [options]`: runs src/main.ts through tsx (no build step). `--help` lists options.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { SERVER_NODE_FLAGS } from './node-flags.mjs';

// `sealed-server disclose <username>` prints what the server holds about an account (src/disclosure).
const disclose = process.argv[2] === 'disclose';
const entry = fileURLToPath(new URL(disclose ? '../src/disclosure/main.ts' : '../src/main.ts', import.meta.url));
// Resolved from this file, so the command works from any working directory.
const tsx = import.meta.resolve('tsx');
const child = spawn(process.execPath, [...(disclose ? [] : SERVER_NODE_FLAGS), '--import', tsx, entry, ...process.argv.slice(disclose ? 3 : 2)], { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
