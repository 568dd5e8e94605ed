-- Idempotency commit guard. A change under an Idempotency-Key appends
--   INSERT INTO idempotency_commits (franchise_id, key, lease_token, resource_type, resource_id) VALUES (...)
-- to its own D1 batch. The trigger marks the key committed, or aborts the whole batch with
-- 'idempotency_lease_lost' when the caller no longer holds the key's lease (it expired and a
-- retry took the key over), so a change is never written twice under one key.
CREATE VIEW idempotency_commits AS SELECT '' AS franchise_id, '' AS key, '' AS lease_token, '' AS resource_type, '' AS resource_id WHERE 0;
--> statement-breakpoint
CREATE TRIGGER idempotency_commits_apply
INSTEAD OF INSERT ON idempotency_commits
BEGIN
  SELECT RAISE(ABORT, 'idempotency_lease_lost')
  WHERE NOT EXISTS (
    SELECT 1 FROM idempotency_keys
    WHERE franchise_id = NEW.franchise_id AND key = NEW.key AND lease_token = NEW.lease_token AND state = 'pending'
  );
  UPDATE idempotency_keys SET state = 'committed', resource_type = NEW.resource_type, resource_id = NEW.resource_id
  WHERE franchise_id = NEW.franchise_id AND key = NEW.key AND lease_token = NEW.lease_token;
END;
--> statement-breakpoint
-- Responses stored before this migration may hold a new API key in clear: drop them.
DELETE FROM idempotency_keys WHERE response_body LIKE '%"key":"llk\_%' ESCAPE '\';
