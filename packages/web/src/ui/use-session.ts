/** Re-renders a component whenever the session (or its chat model) changes. */
import { useEffect, useReducer } from 'preact/hooks';
import type { Session } from '../host/session.ts';

export function useSession(session: Session): void {
  const [, bump] = useReducer((n: number) => n + 1, 0);
  useEffect(() => session.subscribe(() => bump(undefined)), [session]);
}
