/** First run: choose a username and a passcode (the vault is created under the passcode). */
import { useState } from 'preact/hooks';
import type { Session } from '../host/session.ts';
import { userText } from '../host/session.ts';
import { MAX_FRESHNESS_SECONDS, parseFreshnessSeconds } from '../host/kt-freshness.ts';
import { LinkThisDevice } from './link.tsx';

export function Welcome({ session, needsAccountOnly }: { session: Session; needsAccountOnly: boolean }) {
  const [username, setUsername] = useState('');
  const [passcode, setPasscode] = useState('');
  const [confirm, setConfirm] = useState('');
  const [maxAge, setMaxAge] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const [linking, setLinking] = useState(false);
  if (linking) return <LinkThisDevice session={session} onCancel={() => setLinking(false)} />;

  const submit = async (event: Event) => {
    event.preventDefault();
    setError('');
    if (!needsAccountOnly && passcode !== confirm) {
      setError('The two passcodes differ.');
      return;
    }
    setBusy(true);
    try {
      if (needsAccountOnly) await session.register(username);
      else await session.createAccount(username, passcode, parseFreshnessSeconds(maxAge));
    } catch (e) {
      setError(userText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="center-card" aria-labelledby="welcome-title">
      <h1 id="welcome-title">Create your Sealed account</h1>
      <p class="hint">No phone number or e-mail: a username is all the server knows. Your passcode never leaves this device; it encrypts everything stored here.</p>
      <form onSubmit={submit} aria-busy={busy}>
        <label for="username">Username</label>
        <input id="username" name="username" autocomplete="username" required minLength={3} maxLength={32} value={username} onInput={(e) => setUsername(e.currentTarget.value)} />
        {needsAccountOnly ? null : (
          <>
            <label for="passcode">Passcode</label>
            <input id="passcode" name="passcode" type="password" autocomplete="new-password" required value={passcode} onInput={(e) => setPasscode(e.currentTarget.value)} />
            <label for="passcode-confirm">Passcode again</label>
            <input id="passcode-confirm" name="passcode-confirm" type="password" autocomplete="new-password" required value={confirm} onInput={(e) => setConfirm(e.currentTarget.value)} />
            <p class="hint">After 10 wrong passcodes in a row, the data on this device is erased.</p>
            <details>
              <summary>Key-transparency options</summary>
              <label for="kt-max-age">Refuse a log checkpoint older than (seconds)</label>
              <input id="kt-max-age" name="kt-max-age" inputMode="numeric" pattern="[0-9]*" placeholder="the server's bound" value={maxAge} onInput={(e) => setMaxAge(e.currentTarget.value)} />
              <p class="hint">Empty: the bound the server's log signs (at least 10 minutes). A shorter one (1 to {MAX_FRESHNESS_SECONDS} s) notices sooner when the log or its auditors stop; it cannot be longer than the server's.</p>
            </details>
          </>
        )}
        <button type="submit" disabled={busy}>{busy ? 'Creating…' : 'Create account'}</button>
        {busy ? <p role="status">Deriving the passcode key and creating keys; this takes a few seconds.</p> : null}
        {error === '' ? null : <p role="alert" class="error">{error}</p>}
      </form>
      {needsAccountOnly ? null : (
        <p>
          Already use Sealed on another device?{' '}
          <button type="button" class="link" onClick={() => setLinking(true)}>Link this device</button>
        </p>
      )}
    </main>
  );
}
