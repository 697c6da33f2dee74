/** This account's devices as this device knows them. */
import type { Session } from '../host/session.ts';
import { groupedHex } from './format.ts';

export function Devices({ session }: { session: Session }) {
  return (
    <section aria-labelledby="devices-title" class="pane-body">
      <h2 id="devices-title">Devices</h2>
      <ul class="members">
        <li>
          <span class="member-name">This device</span>
          <span class="hint device-id">{groupedHex(session.deviceId ?? '')}</span>
        </li>
      </ul>
    </section>
  );
}
