/**
 * Runs inside Chromium (bundled by start-up.browser.test.ts): the app over a vault storage
 * whose header read settles at once (in memory), so the session's first change happens
 * before Preact runs the effect that subscribes the app to it. A reload with a warm
 * IndexedDB does the same now and then; the app must still leave "Starting…".
 */
import { render } from 'preact';
import { MemoryVaultStorage } from '@sealed/client/store/memory/memory-vault-storage';
import { Session } from '../../src/host/session.ts';
import { App } from '../../src/ui/app.tsx';

// A fresh element (the served app keeps its own tree in #app, which goes away).
document.getElementById('app')?.remove();
const root = document.createElement('div');
document.body.append(root);
const session = new Session(new MemoryVaultStorage());
render(<App session={session} />, root);
void session.init();
