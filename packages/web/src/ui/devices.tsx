/** This account's devices (from its verified signed list), removing one, and linking a new one. */
import { useState } from 'preact/hooks';
import type { Session } from '../host/session.ts';
import { userText } from '../host/session.ts';
import { groupedHex } from './format.ts';
import { OwnTransparency } from './transparency.tsx';

export function Devices({ session }: { session: Session }) {
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ kind: 'ok' | 'error'; text: string } | undefined>();
  const devices = session.devices();
  const list = devices.length > 0 ? devices : [{ deviceId: session.deviceId ?? '', current: true }];
  const approve = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setResult(undefined);
    try {
      const verification = await session.approveLink(code);
      setResult({ kind: 'ok', text: `Linked. Check that the new device shows the same verification code: ${verification}` });
      setCode('');
    } catch (e) {
      setResult({ kind: 'error', text: userText(e) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby="devices-title" class="pane-body">
      <h2 id="devices-title">Devices</h2>
      <ul class="members" aria-label="Devices of this account">
        {list.map((d) => (
          <li key={d.deviceId}>
            <span class="member-name">{d.current ? 'This device' : 'Device'}</span>
            <span class="hint device-id">{groupedHex(d.deviceId)}</span>
            {d.current ? null : (
              <button type="button" class="link" onClick={() => session.removeDevice(d.deviceId)} aria-label={`Remove device ${d.deviceId.slice(0, 8)}`}>Remove</button>
            )}
          </li>
        ))}
      </ul>
      <OwnTransparency session={session} />
      <h3>Link a new device</h3>
      <form onSubmit={approve} aria-busy={busy}>
        <label for="link-code-input">Code shown on the new device</label>
        <input id="link-code-input" autocomplete="off" required value={code} onInput={(e) => setCode(e.currentTarget.value)} />
        <button type="submit" disabled={busy}>{busy ? 'Linking…' : 'Link device'}</button>
        {result === undefined ? null : <p role={result.kind === 'error' ? 'alert' : 'status'} class={result.kind} data-testid="link-result">{result.text}</p>}
      </form>
    </section>
  );
}
