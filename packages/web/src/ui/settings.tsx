/** Settings: lock now, change the passcode. */
import { useState } from 'preact/hooks';
import type { Session } from '../host/session.ts';
import { userText } from '../host/session.ts';

export function Settings({ session }: { session: Session }) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string } | undefined>();
  const change = async (event: Event) => {
    event.preventDefault();
    if (next !== confirm) return setMessage({ kind: 'error', text: 'The two new passcodes differ.' });
    setBusy(true);
    setMessage(undefined);
    try {
      await session.changePasscode(current, next);
      setMessage({ kind: 'ok', text: 'Passcode changed.' });
      setCurrent('');
      setNext('');
      setConfirm('');
    } catch (e) {
      setMessage({ kind: 'error', text: userText(e) });
      if (session.phase.kind !== 'ready') return;
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby="settings-title" class="pane-body">
      <h2 id="settings-title">Settings</h2>
      <h3>Receipts</h3>
      <label class="checkbox">
        <input type="checkbox" checked={session.receiptsEnabled} onChange={(e) => session.setReceipts(e.currentTarget.checked)} />
        Send delivery and read receipts
      </label>
      <p class="hint">When off, others do not learn when you received or read their messages.</p>
      <h3>Lock</h3>
      <p class="hint">Locking drops every key from memory and closes the connection; messages wait on the server until you unlock.</p>
      <button type="button" onClick={() => void session.lock()}>Lock now</button>
      <h3>Change passcode</h3>
      <form onSubmit={change} aria-busy={busy}>
        <label for="current-passcode">Current passcode</label>
        <input id="current-passcode" type="password" autocomplete="current-password" required value={current} onInput={(e) => setCurrent(e.currentTarget.value)} />
        <label for="new-passcode">New passcode</label>
        <input id="new-passcode" type="password" autocomplete="new-password" required value={next} onInput={(e) => setNext(e.currentTarget.value)} />
        <label for="new-passcode-confirm">New passcode again</label>
        <input id="new-passcode-confirm" type="password" autocomplete="new-password" required value={confirm} onInput={(e) => setConfirm(e.currentTarget.value)} />
        <button type="submit" disabled={busy}>{busy ? 'Changing…' : 'Change passcode'}</button>
        {message === undefined ? null : <p role={message.kind === 'error' ? 'alert' : 'status'} class={message.kind === 'error' ? 'error' : 'ok'}>{message.text}</p>}
      </form>
    </section>
  );
}
