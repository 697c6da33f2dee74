/** Start-up did not finish (storage refused or did not answer): say why and offer a retry. */
import { useEffect, useRef } from 'preact/hooks';
import type { Session, StartFailure } from '../host/session.ts';

const EXPLANATION: Record<StartFailure, string> = {
  blocked: 'Another Sealed tab is holding this site\u2019s storage while it is being upgraded. Close other Sealed tabs, then try again.',
  timeout: 'This site\u2019s storage (IndexedDB) did not answer. Another Sealed tab may be holding it: close other Sealed tabs, then try again.',
  'newer-version': 'The storage on this device was written by a newer version of Sealed (perhaps in another tab). Reload this page to get it.',
  unavailable: 'This browser does not allow storage for this site (IndexedDB). Private windows and some settings block it.',
  damaged: 'The vault stored on this device could not be read.',
};

export function StartFailed({ session, reason }: { session: Session; reason: StartFailure }) {
  const retry = useRef<HTMLButtonElement>(null);
  useEffect(() => retry.current?.focus(), []);
  return (
    <main class="center-card" aria-labelledby="start-failed-title">
      <h1 id="start-failed-title">Sealed could not start</h1>
      <p role="alert" data-reason={reason}>{EXPLANATION[reason]}</p>
      <button ref={retry} type="button" onClick={() => void session.init()}>
        Try again
      </button>
    </main>
  );
}
