/** A conversation's members (accounts and their devices), add and remove. */
import { useState } from 'preact/hooks';
import { normaliseUsername } from '@sealed/protocol/username';
import type { Session } from '../host/session.ts';
import { userText } from '../host/session.ts';
import { groupedHex, TIMER_CHOICES, timerLabel, titleOf } from './format.ts';
import { hrefOf } from './route.ts';

export function Members({ session, id }: { session: Session; id: string }) {
  const conversation = session.model?.conversations.get(id);
  const [name, setName] = useState('');
  const [error, setError] = useState('');
  const [groupName, setGroupName] = useState(conversation?.name ?? '');
  if (conversation === undefined) return <p role="status">Unknown conversation.</p>;
  const byUser = new Map<string, string[]>();
  for (const m of conversation.members) byUser.set(m.username, [...(byUser.get(m.username) ?? []), m.deviceId]);
  const add = (event: Event) => {
    event.preventDefault();
    setError('');
    if (!normaliseUsername(name).ok) return setError(`“${name}” is not a valid username.`);
    try {
      session.addMember(id, name);
      setName('');
    } catch (e) {
      setError(userText(e));
    }
  };
  return (
    <section aria-labelledby="members-title" class="pane-body">
      <header class="pane-header">
        <a href={hrefOf({ screen: 'conversation', id })} class="back" aria-label="Back to the conversation">‹</a>
        <h2 id="members-title" class="title">Members of {titleOf(conversation.members, session.username, conversation.name)}</h2>
      </header>
      <ul class="members">
        {[...byUser].map(([username, devices]) => (
          <li key={username}>
            <span class="member-name">{username}{username === session.username ? ' (you)' : ''}</span>
            <span class="hint">{devices.length} device{devices.length === 1 ? '' : 's'}: {devices.map(groupedHex).join('; ')}</span>
            {username === session.username ? null : (
              <a href={hrefOf({ screen: 'safety', username })} class="link-inline">
                {session.contact(username)?.verified === true ? 'Verified ✓' : 'Safety number'}
              </a>
            )}
            {username === session.username || conversation.closed ? null : (
              <button type="button" class="link" onClick={() => session.removeMember(id, username)} aria-label={`Remove ${username}`}>Remove</button>
            )}
          </li>
        ))}
      </ul>
      <p class="hint">Epoch {conversation.epoch}</p>
      {conversation.closed ? null : (
        <>
          <form
            onSubmit={(event) => {
              event.preventDefault();
              session.changeSettings(id, { name: groupName.trim() });
            }}
          >
            <label for="group-name">Group name</label>
            <input id="group-name" maxLength={128} value={groupName} onInput={(e) => setGroupName(e.currentTarget.value)} />
            <button type="submit">Rename</button>
          </form>
          <label for="disappear-timer">Disappearing messages</label>
          <select id="disappear-timer" value={String(conversation.disappearAfterSeconds ?? 0)} onChange={(e) => session.changeSettings(id, { disappearAfterSeconds: Number(e.currentTarget.value) })}>
            {TIMER_CHOICES.map(([seconds, label]) => (
              <option key={seconds} value={String(seconds)}>{label}</option>
            ))}
          </select>
          <p class="hint">New messages disappear from every member's devices {conversation.disappearAfterSeconds ? `${timerLabel(conversation.disappearAfterSeconds)} after they were sent` : 'never (timer off)'}.</p>
        </>
      )}
      {conversation.closed ? null : (
        <form onSubmit={add}>
          <label for="add-member">Add someone</label>
          <input id="add-member" autocomplete="off" value={name} onInput={(e) => setName(e.currentTarget.value)} />
          <button type="submit">Add</button>
          {error === '' ? null : <p role="alert" class="error">{error}</p>}
        </form>
      )}
      {conversation.closed ? null : (
        <div class="actions">
          <button type="button" onClick={() => session.leave(id)}>Leave conversation</button>
        </div>
      )}
    </section>
  );
}
