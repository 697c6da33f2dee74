/**
 * The safety number with one contact: 60 digits in groups of five and the same as a QR
 * code, to compare in person or on a call; "Mark as verified" pins the contact's current
 * identity key (a later change is then refused loudly). A code read from the other phone
 * can be pasted to compare it exactly.
 */
import { useEffect, useState } from 'preact/hooks';
import type { Session } from '../host/session.ts';
import { userText } from '../host/session.ts';
import { QrCode } from './qr-code.tsx';
import { ContactTransparency } from './transparency.tsx';

const RESULT_TEXT: Readonly<Record<string, string>> = {
  match: 'The codes match: this is the same identity key on both sides.',
  mismatch: 'The codes DO NOT match. Do not mark this contact verified.',
  'not-a-safety-number': 'That is not a Sealed safety-number code.',
  'unknown-version': 'That code comes from another version of Sealed.',
};

export function Safety({ session, username }: { session: Session; username: string }) {
  const [scanned, setScanned] = useState('');
  const [result, setResult] = useState('');
  let number: ReturnType<Session['safetyNumber']>;
  let error = '';
  try {
    number = session.safetyNumber(username);
  } catch (e) {
    error = userText(e);
  }
  useEffect(() => {
    if (number === undefined && error === '') session.lookupContact(username);
  }, [username]);
  const contact = session.contact(username);
  if (error !== '') return <p role="alert" class="error pane-body">{error}</p>;
  if (number === undefined || contact === undefined) return <p role="status" class="pane-body">Fetching {username}'s keys…</p>;
  const compare = (event: Event) => {
    event.preventDefault();
    setResult(RESULT_TEXT[session.compareSafetyNumber(username, scanned.trim())] ?? '');
  };
  return (
    <section aria-labelledby="safety-title" class="pane-body">
      <h2 id="safety-title">Safety number with {username}</h2>
      <p class="hint">Compare these digits with the ones {username} sees (in person or on a call), or let them scan the code. If they match, nobody sits between you.</p>
      <p class={contact.verified ? 'ok' : 'hint'} data-testid="verified-state" role="status">
        {contact.identityChanged ? `${username}'s identity key changed: compare again before accepting it.` : contact.verified ? `${username} is verified.` : `${username} is not verified yet.`}
      </p>
      <p class="safety-digits" aria-label={`Safety number: ${number.groups.join(' ')}`} data-testid="safety-digits">
        {number.groups.map((g, i) => (
          <span key={i}>{g}</span>
        ))}
      </p>
      <ContactTransparency session={session} username={username} />
      <QrCode text={number.qrPayload} label={`QR code of the safety number with ${username}`} />
      <div class="actions">
        {contact.identityChanged ? (
          <button type="button" onClick={() => session.acceptIdentityChange(username)}>Accept the new key</button>
        ) : contact.verified ? (
          <button type="button" onClick={() => session.setVerified(username, false)}>Clear verification</button>
        ) : (
          <button type="button" onClick={() => session.setVerified(username, true)}>Mark as verified</button>
        )}
      </div>
      <form onSubmit={compare}>
        <label for="scanned-code">Code from {username}'s screen (scanned text)</label>
        <input id="scanned-code" autocomplete="off" value={scanned} onInput={(e) => setScanned(e.currentTarget.value)} />
        <button type="submit">Compare</button>
        {result === '' ? null : <p role="status" data-testid="compare-result">{result}</p>}
      </form>
    </section>
  );
}
