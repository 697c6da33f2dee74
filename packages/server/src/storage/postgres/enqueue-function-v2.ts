/**
 * Version 2 of the enqueue functions (enqueue-function.ts has version 1, which shipped in
 * migration 3 and never changes). Same lock order and checks; what changed, for the
 * disclosure work:
 * - the queue row's receive time is the caller's `p_received_at` (the start of the UTC day),
 *   not the exact `p_now`;
 * - a commit stamps the group row with the day of the commit (`last_commit_day`) so quiet
 *   groups can expire;
 * - a group the server does not know (never seen or expired) accepts a commit at any epoch:
 *   the placeholder row is created at the commit's own epoch, so the first commit wins and
 *   the group starts over at epoch + 1.
 * The old functions are dropped first (their signatures differ).
 */
export const ENQUEUE_FUNCTION_V2 = `
DROP FUNCTION sealed_enqueue_batch(text[], text[], text[], bigint[], boolean[], smallint[], text[], integer[], bytea[], bigint[], integer[], bigint[]);
DROP FUNCTION sealed_enqueue_one(text, text, text, bigint, boolean, smallint, text[], bytea, bigint, integer, bigint);

CREATE FUNCTION sealed_enqueue_one(
  p_sender text, p_message_id text, p_group text, p_epoch bigint, p_is_commit boolean,
  p_kind smallint, p_recipients text[], p_payload bytea, p_now bigint, p_received_at bigint, p_max_queued integer,
  p_idempotency_expires bigint,
  OUT status text, OUT new_epoch bigint, OUT seqs bigint[], OUT detail text)
LANGUAGE plpgsql
SET search_path FROM CURRENT
AS $fn$
DECLARE
  v_placeholder integer;
  v_group_created integer := 0;
  v_seen record;
  v_current bigint;
  v_device record;
BEGIN
  INSERT INTO idempotency (sender_device_id, client_message_id, epoch, expires_at)
    VALUES (p_sender, p_message_id, -1, p_idempotency_expires) ON CONFLICT DO NOTHING;
  GET DIAGNOSTICS v_placeholder = ROW_COUNT;
  IF v_placeholder = 0 THEN
    SELECT i.epoch, i.expires_at INTO v_seen FROM idempotency i
      WHERE i.sender_device_id = p_sender AND i.client_message_id = p_message_id FOR UPDATE;
    IF FOUND AND v_seen.expires_at > p_now THEN
      status := 'duplicate';
      new_epoch := v_seen.epoch;
      RETURN;
    END IF;
    -- An expired record not yet purged: a new send; overwritten below.
  END IF;

  IF p_is_commit THEN
    INSERT INTO groups (group_id, epoch, last_commit_day) VALUES (p_group, p_epoch, p_now - p_now % 86400000) ON CONFLICT DO NOTHING;
    GET DIAGNOSTICS v_group_created = ROW_COUNT;
    SELECT g.epoch INTO v_current FROM groups g WHERE g.group_id = p_group FOR UPDATE;
  ELSE
    SELECT g.epoch INTO v_current FROM groups g WHERE g.group_id = p_group;
  END IF;
  v_current := coalesce(v_current, 0);

  IF p_is_commit AND p_epoch <> v_current THEN
    status := 'stale-epoch';
    detail := v_current::text;
  ELSE
    PERFORM 1 FROM devices d WHERE d.id = ANY (p_recipients) ORDER BY d.id FOR UPDATE;
    seqs := '{}';
    FOR v_device IN
      SELECT r.id AS wanted, d.id, d.next_seq, d.queued
        FROM unnest(p_recipients) WITH ORDINALITY AS r (id, n)
        LEFT JOIN devices d ON d.id = r.id
        ORDER BY r.n
    LOOP
      IF v_device.id IS NULL THEN
        status := 'unknown-recipient';
        detail := v_device.wanted;
        EXIT;
      END IF;
      IF v_device.queued >= p_max_queued THEN
        status := 'queue-full';
        detail := v_device.wanted;
        EXIT;
      END IF;
      seqs := seqs || v_device.next_seq;
    END LOOP;
  END IF;

  IF status IS NOT NULL THEN
    IF v_placeholder = 1 THEN
      DELETE FROM idempotency WHERE sender_device_id = p_sender AND client_message_id = p_message_id;
    END IF;
    IF v_group_created = 1 THEN
      DELETE FROM groups WHERE group_id = p_group;
    END IF;
    seqs := NULL;
    RETURN;
  END IF;

  new_epoch := CASE WHEN p_is_commit THEN v_current + 1 ELSE v_current END;
  INSERT INTO queue (device_id, seq, kind, received_at, payload)
    SELECT r.d, r.s, p_kind, p_received_at, p_payload FROM unnest(p_recipients, seqs) AS r (d, s);
  UPDATE devices SET next_seq = next_seq + 1, queued = queued + 1 WHERE id = ANY (p_recipients);
  INSERT INTO idempotency (sender_device_id, client_message_id, epoch, expires_at)
    VALUES (p_sender, p_message_id, new_epoch, p_idempotency_expires)
    ON CONFLICT (sender_device_id, client_message_id)
    DO UPDATE SET epoch = excluded.epoch, expires_at = excluded.expires_at;
  IF p_is_commit THEN
    UPDATE groups SET epoch = new_epoch, last_commit_day = p_now - p_now % 86400000 WHERE group_id = p_group;
  END IF;
  status := 'accepted';
END
$fn$;

CREATE FUNCTION sealed_enqueue_batch(
  p_senders text[], p_message_ids text[], p_groups text[], p_epochs bigint[],
  p_is_commit boolean[], p_kinds smallint[], p_recipients text[], p_recipient_counts integer[],
  p_payloads bytea[], p_nows bigint[], p_received_ats bigint[], p_max_queued integer[], p_idempotency_expires bigint[])
RETURNS TABLE (n integer, status text, new_epoch bigint, seqs bigint[], detail text)
LANGUAGE plpgsql
SET search_path FROM CURRENT
AS $fn$
DECLARE
  v_offset integer := 0;
  v_result record;
BEGIN
  FOR i IN 1 .. coalesce(array_length(p_senders, 1), 0) LOOP
    SELECT * INTO v_result FROM sealed_enqueue_one(
      p_senders[i], p_message_ids[i], p_groups[i], p_epochs[i], p_is_commit[i], p_kinds[i],
      p_recipients[v_offset + 1 : v_offset + p_recipient_counts[i]], p_payloads[i], p_nows[i], p_received_ats[i],
      p_max_queued[i], p_idempotency_expires[i]);
    v_offset := v_offset + p_recipient_counts[i];
    n := i;
    status := v_result.status;
    new_epoch := v_result.new_epoch;
    seqs := v_result.seqs;
    detail := v_result.detail;
    RETURN NEXT;
  END LOOP;
END
$fn$;
`;
