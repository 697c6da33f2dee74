/** The lock screen: passcode, attempts left before the wipe, and the wiped notice. */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Session } from '../host/session.ts';
import { userText } from '../host/session.ts';

export function Unlock({ session, attemptsRemaining, maxAttempts }: { session: Session; attemptsRemaining: number; maxAttempts: number }) {
  const [passcode, setPasscode] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), [busy]);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError('');
    try {
      await session.unlock(passcode);
    } catch (e) {
      setError(userText(e));
      setPasscode('');
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="center-card" aria-labelledby="unlock-title">
      <h1 id="unlock-title">Sealed is locked</h1>
      <form onSubmit={submit} aria-busy={busy}>
        <label for="unlock-passcode">Passcode</label>
        <input ref={input} id="unlock-passcode" type="password" autocomplete="current-password" required value={passcode} disabled={busy} onInput={(e) => setPasscode(e.currentTarget.value)} />
        <p class="hint" id="attempts" aria-live="polite">
          {attemptsRemaining} of {maxAttempts} attempts left before the data on this device is erased.
        </p>
        <button type="submit" disabled={busy}>{busy ? 'Unlocking…' : 'Unlock'}</button>
        {error === '' ? null : <p role="alert" class="error">{error}</p>}
      </form>
    </main>
  );
}

export function Wiped({ session }: { session: Session }) {
  return (
    <main class="center-card" aria-labelledby="wiped-title">
      <h1 id="wiped-title">This device was erased</h1>
      <p role="alert">Too many wrong passcodes were entered. The keys and messages stored here are gone.</p>
      <button type="button" onClick={() => session.startOver()}>
        Start again
      </button>
    </main>
  );
}
