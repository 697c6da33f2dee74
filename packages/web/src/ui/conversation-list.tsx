/** The conversation list: most recent first, unread counts, a link per conversation. */
import type { Session } from '../host/session.ts';
import { timeOf, titleOf } from './format.ts';
import { hrefOf } from './route.ts';

export function ConversationList({ session, selected }: { session: Session; selected: string | undefined }) {
  const model = session.model;
  const list = model?.sorted() ?? [];
  return (
    <nav aria-label="Conversations" class="conversation-list">
      {list.length === 0 ? <p class="hint">No conversations yet. Start one with “New”.</p> : null}
      <ul>
        {list.map((c) => {
          const title = titleOf(c.members, session.username, c.name);
          const label = `${title}${c.unread > 0 ? `, ${c.unread} unread` : ''}`;
          return (
            <li key={c.id}>
              <a href={hrefOf({ screen: 'conversation', id: c.id })} aria-current={selected === c.id ? 'page' : undefined} aria-label={label} class="conversation-item" data-conversation={c.id}>
                <span class="row">
                  <span class="title">{title}</span>
                  {c.lastAt > 0 ? <time class="hint">{timeOf(c.lastAt)}</time> : null}
                </span>
                <span class="row">
                  <span class="preview">{c.closed ? 'Closed' : c.preview}</span>
                  {c.unread > 0 ? <span class="badge" data-testid="unread">{c.unread}</span> : null}
                </span>
              </a>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
