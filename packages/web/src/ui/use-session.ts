/** Re-renders a component whenever the session (or its chat model) changes. */
import { useEffect, useReducer, useRef } from 'preact/hooks';
import type { Session } from '../host/session.ts';

export function useSession(session: Session): void {
  const [, bump] = useReducer((n: number) => n + 1, 0);
  // The revision this render showed. Preact runs effects after the next frame, so the
  // session may change between render and subscription (a warm IndexedDB answers the
  // start-up header read that fast): a change in that gap would otherwise be lost and the
  // app would stay at "Starting…" for good.
  const rendered = useRef(session.revision);
  rendered.current = session.revision;
  useEffect(() => {
    const unsubscribe = session.subscribe(() => bump(undefined));
    if (session.revision !== rendered.current) bump(undefined);
    return unsubscribe;
  }, [session]);
}
