/**
 * `sealed_enqueue`: the whole send transaction of queue.ts as one server-side function, so a
 * send costs one round trip and holds its row locks for the shortest time (a commit's
 * fsync dominates either way). Called as a single statement in autocommit mode: the
 * function's work commits or rolls back as a whole.
 *
 * Lock order (the same for every send, so sends never deadlock among themselves):
 *   1. the idempotency row of (sender, client message id), inserted first as a placeholder:
 *      a concurrent retry of the same send waits on it, then sees a duplicate;
 *   2. for a commit, the group row (`FOR UPDATE`): a concurrent commit at the same epoch
 *      waits, re-reads the advanced epoch and is rejected;
 *   3. the recipients' device rows in id order (`FOR UPDATE`): `next_seq` is read and
 *      bumped under the lock, so per-device seqs are contiguous and become visible in order.
 *
 * A rejection raises an exception (SQLSTATE SL001 stale epoch, detail = current epoch;
 * SL002 unknown recipient and SL003 queue full, detail = device id): the statement rolls
 * back, so a rejected send writes nothing, placeholder included. A duplicate returns
 * normally having written nothing.
 */
export const ENQUEUE_FUNCTION = `
CREATE FUNCTION sealed_enqueue(
  p_sender text, p_message_id text, p_group text, p_epoch bigint, p_is_commit boolean,
  p_kind smallint, p_recipients text[], p_payload bytea, p_now bigint, p_max_queued integer,
  p_idempotency_expires bigint,
  OUT status text, OUT new_epoch bigint, OUT seqs bigint[])
LANGUAGE plpgsql
SET search_path FROM CURRENT
AS $fn$
DECLARE
  v_inserted integer;
  v_seen record;
  v_current bigint;
  v_device record;
BEGIN
  INSERT INTO idempotency (sender_device_id, client_message_id, epoch, expires_at)
    VALUES (p_sender, p_message_id, -1, p_idempotency_expires) ON CONFLICT DO NOTHING;
  GET DIAGNOSTICS v_inserted = ROW_COUNT;
  IF v_inserted = 0 THEN
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
    INSERT INTO groups (group_id, epoch) VALUES (p_group, 0) ON CONFLICT DO NOTHING;
    SELECT g.epoch INTO v_current FROM groups g WHERE g.group_id = p_group FOR UPDATE;
  ELSE
    SELECT g.epoch INTO v_current FROM groups g WHERE g.group_id = p_group;
  END IF;
  v_current := coalesce(v_current, 0);
  IF p_is_commit AND p_epoch <> v_current THEN
    RAISE EXCEPTION USING ERRCODE = 'SL001', MESSAGE = 'stale-epoch', DETAIL = v_current::text;
  END IF;

  PERFORM 1 FROM devices d WHERE d.id = ANY (p_recipients) ORDER BY d.id FOR UPDATE;
  seqs := '{}';
  FOR v_device IN
    SELECT r.id AS wanted, d.id, d.next_seq, d.queued
      FROM unnest(p_recipients) WITH ORDINALITY AS r (id, n)
      LEFT JOIN devices d ON d.id = r.id
      ORDER BY r.n
  LOOP
    IF v_device.id IS NULL THEN
      RAISE EXCEPTION USING ERRCODE = 'SL002', MESSAGE = 'unknown-recipient', DETAIL = v_device.wanted;
    END IF;
    IF v_device.queued >= p_max_queued THEN
      RAISE EXCEPTION USING ERRCODE = 'SL003', MESSAGE = 'queue-full', DETAIL = v_device.wanted;
    END IF;
    seqs := seqs || v_device.next_seq;
  END LOOP;

  new_epoch := CASE WHEN p_is_commit THEN v_current + 1 ELSE v_current END;
  INSERT INTO queue (device_id, seq, kind, received_at, payload)
    SELECT r.d, r.s, p_kind, p_now, p_payload FROM unnest(p_recipients, seqs) AS r (d, s);
  UPDATE devices SET next_seq = next_seq + 1, queued = queued + 1 WHERE id = ANY (p_recipients);
  INSERT INTO idempotency (sender_device_id, client_message_id, epoch, expires_at)
    VALUES (p_sender, p_message_id, new_epoch, p_idempotency_expires)
    ON CONFLICT (sender_device_id, client_message_id)
    DO UPDATE SET epoch = excluded.epoch, expires_at = excluded.expires_at;
  IF p_is_commit THEN
    UPDATE groups SET epoch = new_epoch WHERE group_id = p_group;
  END IF;
  status := 'accepted';
END
$fn$;
`;
