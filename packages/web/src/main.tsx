/** Entry point of the bundle: one Session on this origin's IndexedDB, rendered with Preact. */
import { render } from 'preact';
import { Session } from './host/session.ts';
import { App } from './ui/app.tsx';

const session = new Session();
const root = document.getElementById('app');
if (root === null) throw new Error('index.html has no #app element');
render(<App session={session} />, root);
// init never rejects: a failure or a storage that does not answer is a phase with a retry.
void session.init();
addEventListener('pagehide', () => session.pageHidden());
