/**
 * Version 3 of the one-send enqueue function (enqueue-function-v2.ts has version 2, which
 * shipped in migration 4 and never changes). Same signature, lock order and checks, plus
 * one: an application message more than MAX_APPLICATION_EPOCH_LAG (2) epochs behind the
 * group's current epoch is refused as `stale-epoch` and nothing is written, as in SQLite
 * (storage/queue.ts isStaleApplication). No member could decrypt it: they read their queue
 * in order and keep only two past epochs' secrets. `sealed_enqueue_batch` calls this
 * function by name and is unchanged.
 *
 * The bound is a literal here: a migration's text never changes, so a new bound would be a
 * new migration. The storage conformance suite checks both back ends against the constant.
 */
export const ENQUEUE_FUNCTION_V3 = `
CREATE OR REPLACE FUNCTION sealed_enqueue_one(
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

  -- Kind 1 is application; 2 is MAX_APPLICATION_EPOCH_LAG (queue.ts isStaleApplication).
  IF (p_is_commit AND p_epoch <> v_current) OR (p_kind = 1 AND v_current - p_epoch > 2) THEN
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
`;
