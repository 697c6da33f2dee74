/**
 * Device linking. New device: choose this device's passcode, then show the link code (text
 * and QR) for an existing device to read, and the verification code both screens show.
 * Existing device (devices.tsx): enter or paste the code, compare the verification code.
 */
import { useState } from 'preact/hooks';
import type { LinkOffer, Session } from '../host/session.ts';
import { userText } from '../host/session.ts';
import { QrCode } from './qr-code.tsx';

export function LinkThisDevice({ session, onCancel }: { session: Session; onCancel: () => void }) {
  const [passcode, setPasscode] = useState('');
  const [confirm, setConfirm] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const submit = async (event: Event) => {
    event.preventDefault();
    if (passcode !== confirm) return setError('The two passcodes differ.');
    setBusy(true);
    setError('');
    try {
      await session.linkDevice(passcode);
    } catch (e) {
      setError(userText(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class="center-card" aria-labelledby="link-title">
      <h1 id="link-title">Link this device</h1>
      <p class="hint">Your other device approves this one; the server alone cannot add a device to your account. First choose a passcode for this device.</p>
      <form onSubmit={submit} aria-busy={busy}>
        <label for="link-passcode">Passcode for this device</label>
        <input id="link-passcode" type="password" autocomplete="new-password" required value={passcode} onInput={(e) => setPasscode(e.currentTarget.value)} />
        <label for="link-passcode-confirm">Passcode again</label>
        <input id="link-passcode-confirm" type="password" autocomplete="new-password" required value={confirm} onInput={(e) => setConfirm(e.currentTarget.value)} />
        <button type="submit" disabled={busy}>{busy ? 'Preparing…' : 'Show link code'}</button>
        <button type="button" class="link" onClick={onCancel}>Create a new account instead</button>
        {error === '' ? null : <p role="alert" class="error">{error}</p>}
      </form>
    </main>
  );
}

export function LinkWaiting({ offer }: { offer: LinkOffer | undefined }) {
  if (offer === undefined) return <p role="status" class="center-card">Creating the link code…</p>;
  return (
    <main class="center-card" aria-labelledby="waiting-title">
      <h1 id="waiting-title">Approve on your other device</h1>
      <p>On a device already signed in, open Devices → “Link a new device” and enter this code (or scan it):</p>
      <p class="link-code" data-testid="link-code">{offer.code}</p>
      <QrCode text={offer.code} label="QR code of the link code" />
      <p>
        Both screens then show a verification code; check they are the same: <strong data-testid="link-verification">{offer.verificationCode}</strong>
      </p>
      <p class="hint" role="status">Waiting for approval… The code expires at {new Date(offer.expiresAt).toLocaleTimeString()}.</p>
    </main>
  );
}
