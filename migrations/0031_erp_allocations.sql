-- ERP sync records (issue 8): the operation is one of a closed set. `allocate` is new: a credit
-- note applied to its invoice, synced after both documents (workers/integrations/erp/subscriber.ts).
-- The column is plain text (SQLite cannot add a CHECK to an existing column), so triggers refuse
-- any other value, on insert and on update.
CREATE TRIGGER erp_sync_records_operation_insert
BEFORE INSERT ON erp_sync_records
WHEN NEW.operation NOT IN ('create', 'void', 'allocate')
BEGIN
  SELECT RAISE(ABORT, 'erp_sync_operation_unknown');
END;
--> statement-breakpoint
CREATE TRIGGER erp_sync_records_operation_update
BEFORE UPDATE OF operation ON erp_sync_records
WHEN NEW.operation NOT IN ('create', 'void', 'allocate')
BEGIN
  SELECT RAISE(ABORT, 'erp_sync_operation_unknown');
END;
