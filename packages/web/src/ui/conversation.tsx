/**
 * One conversation: live messages (newest at the bottom, announced politely to screen
 * readers), replies, edits and deletes of one's own messages, and the composer (Enter
 * sends, Shift+Enter adds a line).
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Session } from '../host/session.ts';
import { userText } from '../host/session.ts';
import type { MessageView } from '../host/views.ts';
import { Attachment } from './attachment.tsx';
import { timeOf, timerLabel, titleOf } from './format.ts';
import { hrefOf } from './route.ts';

type Mode = { readonly kind: 'new' } | { readonly kind: 'reply'; readonly to: MessageView } | { readonly kind: 'edit'; readonly of: MessageView };

export function ConversationScreen({ session, id }: { session: Session; id: string }) {
  const model = session.model!;
  const conversation = model.conversations.get(id);
  const messages = model.messages.get(id) ?? [];
  const [draft, setDraft] = useState('');
  const [mode, setMode] = useState<Mode>({ kind: 'new' });
  const [error, setError] = useState('');
  const [upload, setUpload] = useState<number | undefined>();
  const end = useRef<HTMLLIElement>(null);
  const composer = useRef<HTMLTextAreaElement>(null);

  useEffect(() => {
    model.openConversation = id;
    model.markRead(id);
    return () => {
      if (model.openConversation === id) model.openConversation = undefined;
    };
  }, [model, id]);
  useEffect(() => {
    model.markRead(id);
    end.current?.scrollIntoView({ block: 'end' });
    // Read receipts for what is now on screen (the engine sends each once, and none when off).
    if (document.visibilityState === 'visible') session.markRead(id, messages.filter((m) => !m.outgoing && !m.deleted).map((m) => m.id));
  }, [messages.length]);

  if (conversation === undefined) {
    return (
      <section class="pane-body">
        <p role="status">Creating the conversation…</p>
      </section>
    );
  }
  const title = titleOf(conversation.members, session.username, conversation.name);
  const byId = new Map(messages.map((m) => [m.id, m]));

  const submit = (event?: Event) => {
    event?.preventDefault();
    const text = draft.trim();
    if (text.length === 0) return;
    setError('');
    try {
      if (mode.kind === 'edit') session.editText(id, mode.of.id, text);
      else session.sendText(id, text, mode.kind === 'reply' ? mode.to.id : null);
      setDraft('');
      setMode({ kind: 'new' });
    } catch (e) {
      setError(userText(e));
    }
  };
  const attach = async (event: Event) => {
    const input = event.currentTarget as HTMLInputElement;
    const file = input.files?.[0];
    input.value = '';
    if (file === undefined) return;
    setError('');
    setUpload(0);
    try {
      await session.sendFile(id, file, draft.trim(), setUpload);
      setDraft('');
    } catch (e) {
      setError(userText(e));
    } finally {
      setUpload(undefined);
    }
  };
  const onKey = (event: KeyboardEvent) => {
    if (event.key === 'Enter' && !event.shiftKey) submit(event);
    if (event.key === 'Escape') setMode({ kind: 'new' });
  };
  const startMode = (next: Mode) => {
    setMode(next);
    if (next.kind === 'edit') setDraft(next.of.text);
    composer.current?.focus();
  };

  return (
    <section class="conversation" aria-labelledby="conversation-title">
      <header class="pane-header">
        <a href={hrefOf({ screen: 'list' })} class="back" aria-label="Back to conversations">‹</a>
        <h2 id="conversation-title" class="title">{title}</h2>
        {conversation.disappearAfterSeconds ? <span class="timer" aria-label={`Disappearing messages: ${timerLabel(conversation.disappearAfterSeconds)}`}>⏱ {timerLabel(conversation.disappearAfterSeconds)}</span> : null}
        <a href={hrefOf({ screen: 'members', id })} class="button-link">Members ({new Set(conversation.members.map((m) => m.username)).size})</a>
      </header>
      {conversation.warning === null ? null : <p role="alert" class="warning">{conversation.warning}</p>}
      <ol class="messages" aria-live="polite" aria-relevant="additions text" aria-label={`Messages with ${title}`}>
        {messages.map((m) => (
          <Message key={m.id} session={session} message={m} quoted={m.replyTo === null ? undefined : byId.get(m.replyTo)} onReply={() => startMode({ kind: 'reply', to: m })} onEdit={() => startMode({ kind: 'edit', of: m })} onDelete={() => session.deleteMessage(id, m.id)} />
        ))}
        <li ref={end} class="end" aria-hidden="true" />
      </ol>
      {conversation.closed ? (
        <p class="hint composer-closed">You are no longer in this conversation.</p>
      ) : (
        <form class="composer" onSubmit={submit}>
          {mode.kind === 'new' ? null : (
            <p class="composer-mode">
              {mode.kind === 'reply' ? `Replying to ${mode.to.sender.username}: ${mode.to.text.slice(0, 80)}` : 'Editing your message'}
              <button type="button" class="link" onClick={() => { setMode({ kind: 'new' }); setDraft(''); }}>Cancel</button>
            </p>
          )}
          <label for="composer-text" class="visually-hidden">Message</label>
          <textarea ref={composer} id="composer-text" rows={2} placeholder="Message" value={draft} onInput={(e) => setDraft(e.currentTarget.value)} onKeyDown={onKey} />
          <div class="composer-buttons">
            <button type="submit">{mode.kind === 'edit' ? 'Save' : 'Send'}</button>
            <label class="attach-button">
              Attach
              <input type="file" class="visually-hidden" aria-label="Attach a file" disabled={upload !== undefined} onChange={(e) => void attach(e)} />
            </label>
          </div>
          {upload === undefined ? null : <progress class="upload" max={1} value={upload} aria-label="Sending the file" />}
          {error === '' ? null : <p role="alert" class="error">{error}</p>}
        </form>
      )}
    </section>
  );
}

function Message(props: { session: Session; message: MessageView; quoted: MessageView | undefined; onReply: () => void; onEdit: () => void; onDelete: () => void }) {
  const { message: m, quoted } = props;
  return (
    <li class={m.outgoing ? 'message outgoing' : 'message incoming'} data-message={m.id}>
      <div class="bubble">
        {m.outgoing ? null : <span class="sender">{m.sender.username}</span>}
        {quoted === undefined ? null : (
          <blockquote class="quote" aria-label={`In reply to ${quoted.sender.username}`}>
            <span class="sender">{quoted.sender.username}</span> {quoted.deleted ? 'Message deleted' : quoted.text}
          </blockquote>
        )}
        {m.deleted ? <p class="deleted">Message deleted</p> : m.attachment === undefined || m.text !== '' ? <p class="text">{m.text}</p> : null}
        {m.attachment === undefined || m.deleted ? null : <Attachment session={props.session} attachment={m.attachment} />}
        <span class="meta">
          <time dateTime={new Date(m.sentAt).toISOString()}>{timeOf(m.sentAt)}</time>
          {m.edited && !m.deleted ? <span> · edited</span> : null}
          {m.outgoing ? <StatusMark message={m} /> : null}
        </span>
      </div>
      {m.deleted ? null : (
        <div class="message-actions">
          <button type="button" class="link" onClick={props.onReply} aria-label={`Reply to ${m.sender.username}`}>Reply</button>
          {m.outgoing ? (
            <>
              {m.attachment === undefined ? <button type="button" class="link" onClick={props.onEdit}>Edit</button> : null}
              <button type="button" class="link" onClick={props.onDelete}>Delete</button>
            </>
          ) : null}
        </div>
      )}
    </li>
  );
}

/** ✓ stored by the relay, ✓✓ delivered, "read" once someone read it; the full list for screen readers. */
function StatusMark({ message: m }: { message: MessageView }) {
  const read = m.readBy ?? [];
  const delivered = m.deliveredTo ?? [];
  const label = read.length > 0 ? `Read by ${read.join(', ')}` : delivered.length > 0 ? `Delivered to ${delivered.join(', ')}` : m.sent === true ? 'Sent' : 'Sending';
  const mark = read.length > 0 ? '✓✓ read' : delivered.length > 0 ? '✓✓' : m.sent === true ? '✓' : '…';
  return (
    <span class="status-mark" aria-label={label} title={label} data-status={read.length > 0 ? 'read' : delivered.length > 0 ? 'delivered' : m.sent === true ? 'sent' : 'sending'}>
      {' '}
      {mark}
    </span>
  );
}
