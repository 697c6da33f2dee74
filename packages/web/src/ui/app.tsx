/**
 * The app shell: the screen for the session's phase, and once unlocked a two-pane layout
 * (conversation list beside the open screen on wide screens, one pane at a time on phones).
 */
import type { Session } from '../host/session.ts';
import { ConversationScreen } from './conversation.tsx';
import { ConversationList } from './conversation-list.tsx';
import { Devices } from './devices.tsx';
import { LinkWaiting } from './link.tsx';
import { Members } from './members.tsx';
import { NewConversation } from './new-conversation.tsx';
import { hrefOf, type Route, useRoute } from './route.ts';
import { Safety } from './safety.tsx';
import { Settings } from './settings.tsx';
import { StartFailed } from './start-failed.tsx';
import { TransparencyAlerts } from './transparency.tsx';
import { Unlock, Wiped } from './unlock.tsx';
import { useSession } from './use-session.ts';
import { Welcome } from './welcome.tsx';

export function App({ session }: { session: Session }) {
  useSession(session);
  const phase = session.phase;
  switch (phase.kind) {
    case 'starting':
      return <p role="status" class="center-card">Starting…</p>;
    case 'start-failed':
      return <StartFailed session={session} reason={phase.reason} />;
    case 'welcome':
      return <Welcome session={session} needsAccountOnly={false} />;
    case 'needs-account':
      return <Welcome session={session} needsAccountOnly={true} />;
    case 'locked':
      return <Unlock session={session} attemptsRemaining={phase.attemptsRemaining} maxAttempts={phase.maxAttempts} />;
    case 'wiped':
      return <Wiped session={session} />;
    case 'linking':
      return <LinkWaiting offer={phase.offer} />;
    case 'ready':
      return <Unlocked session={session} />;
  }
}

function Unlocked({ session }: { session: Session }) {
  const route = useRoute();
  const selected = route.screen === 'conversation' || route.screen === 'members' ? route.id : undefined;
  const failure = session.model?.failure;
  return (
    <div class={route.screen === 'list' ? 'shell show-list' : 'shell show-pane'}>
      <a href="#main-pane" class="skip-link">Skip to content</a>
      <aside class="sidebar">
        <header class="sidebar-header">
          <h1 class="app-name">Sealed</h1>
          <span class="who" title={session.username}>{session.username}</span>
          <span class={session.online ? 'status online' : 'status offline'} role="status" aria-label={session.online ? 'Connected' : 'Offline'}>
            {session.online ? 'online' : 'offline'}
          </span>
        </header>
        <nav aria-label="Main" class="main-nav">
          <a href={hrefOf({ screen: 'new' })} class="button-link">New</a>
          <a href={hrefOf({ screen: 'devices' })} class="button-link">Devices</a>
          <a href={hrefOf({ screen: 'settings' })} class="button-link">Settings</a>
          <button type="button" onClick={() => void session.lock()}>Lock</button>
        </nav>
        <ConversationList session={session} selected={selected} />
      </aside>
      <main id="main-pane" class="pane" tabIndex={-1}>
        {failure === undefined ? null : <p role="alert" class="error">Storing failed; lock and unlock again. ({failure instanceof Error ? failure.name : 'error'})</p>}
        <TransparencyAlerts session={session} />
        <Notices session={session} />
        <Pane session={session} route={route} />
      </main>
    </div>
  );
}

function Pane({ session, route }: { session: Session; route: Route }) {
  switch (route.screen) {
    case 'list':
      return <p class="hint pane-body empty-pane">Choose a conversation or start a new one.</p>;
    case 'conversation':
      return <ConversationScreen key={route.id} session={session} id={route.id} />;
    case 'members':
      return <Members session={session} id={route.id} />;
    case 'new':
      return <NewConversation session={session} />;
    case 'settings':
      return <Settings session={session} />;
    case 'devices':
      return <Devices session={session} />;
    case 'safety':
      return <Safety key={route.username} session={session} username={route.username} />;
  }
}

function Notices({ session }: { session: Session }) {
  if (session.notices.length === 0) return null;
  return (
    <ul class="notices" aria-label="Notices">
      {session.notices.map((n) => (
        <li key={n.id} class={`notice ${n.level}`} role={n.level === 'info' ? 'status' : 'alert'}>
          <span>{n.text}</span>
          <button type="button" class="link" onClick={() => session.dismiss(n.id)} aria-label="Dismiss notice">×</button>
        </li>
      ))}
    </ul>
  );
}
