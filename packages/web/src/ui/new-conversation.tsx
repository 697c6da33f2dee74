/** Starts a 1:1 (one username) or a group (several, comma or space separated). */
import { useState } from 'preact/hooks';
import { normaliseUsername } from '@sealed/protocol/username';
import type { Session } from '../host/session.ts';
import { userText } from '../host/session.ts';
import { navigate } from './route.ts';

/** Most names accepted in the form; the engine's own bound (64) applies after. */
const MAX_NAMES = 64;

export function NewConversation({ session }: { session: Session }) {
  const [names, setNames] = useState('');
  const [groupName, setGroupName] = useState('');
  const [error, setError] = useState('');
  const submit = (event: Event) => {
    event.preventDefault();
    const parts = names.split(/[\s,]+/).filter((p) => p.length > 0).slice(0, MAX_NAMES + 1);
    if (parts.length === 0) return setError('Enter at least one username.');
    if (parts.length > MAX_NAMES) return setError(`At most ${MAX_NAMES} people.`);
    const bad = parts.find((p) => !normaliseUsername(p).ok);
    if (bad !== undefined) return setError(`“${bad}” is not a valid username.`);
    try {
      const id = session.newConversation(parts, groupName.trim());
      navigate({ screen: 'conversation', id });
    } catch (e) {
      setError(userText(e));
    }
  };
  return (
    <section aria-labelledby="new-title" class="pane-body">
      <h2 id="new-title">New conversation</h2>
      <form onSubmit={submit}>
        <label for="new-names">Usernames (one for a 1:1 chat, several for a group)</label>
        <input id="new-names" autocomplete="off" value={names} onInput={(e) => setNames(e.currentTarget.value)} aria-describedby="new-hint" />
        <p id="new-hint" class="hint">Separate names with commas or spaces.</p>
        <label for="new-group-name">Group name (optional)</label>
        <input id="new-group-name" autocomplete="off" maxLength={128} value={groupName} onInput={(e) => setGroupName(e.currentTarget.value)} />
        <button type="submit">Start</button>
        {error === '' ? null : <p role="alert" class="error">{error}</p>}
      </form>
    </section>
  );
}
