-- Number the outbox rows written before events had a per-franchise seq, in the order they were
-- written (ids are time-sortable), so the relay can publish the old backlog in order too.
UPDATE outbox_events SET seq = (
  SELECT COUNT(*) FROM outbox_events AS earlier
  WHERE earlier.franchise_id = outbox_events.franchise_id AND earlier.id <= outbox_events.id
)
WHERE seq IS NULL;
