-- Invariants enforced by the database itself, so concurrent requests cannot break them even
-- though D1 has no interactive transactions. A RAISE aborts the whole batch it is part of.

-- Issued invoices are immutable: corrections are credit notes.
CREATE TRIGGER invoices_immutable_once_issued
BEFORE UPDATE OF subtotal, tax_total, total, seq, number, issue_date, due_date, currency, customer_id, branch_id, tax_breakdown ON invoices
WHEN OLD.status <> 'draft'
BEGIN
  SELECT RAISE(ABORT, 'invoice_immutable');
END;
--> statement-breakpoint
CREATE TRIGGER invoice_lines_immutable_update
BEFORE UPDATE ON invoice_lines
WHEN (SELECT status FROM invoices WHERE id = OLD.invoice_id) <> 'draft'
BEGIN
  SELECT RAISE(ABORT, 'invoice_immutable');
END;
--> statement-breakpoint
CREATE TRIGGER invoice_lines_immutable_delete
BEFORE DELETE ON invoice_lines
WHEN (SELECT status FROM invoices WHERE id = OLD.invoice_id) <> 'draft'
BEGIN
  SELECT RAISE(ABORT, 'invoice_immutable');
END;
--> statement-breakpoint
-- A payment allocation needs an open invoice of the same franchise, customer and currency, and
-- a payment may not be allocated beyond its amount.
CREATE TRIGGER payment_allocations_guard
BEFORE INSERT ON payment_allocations
BEGIN
  SELECT RAISE(ABORT, 'invoice_not_open')
  WHERE NOT EXISTS (
    SELECT 1 FROM invoices
    WHERE id = NEW.invoice_id AND franchise_id = NEW.franchise_id AND status IN ('issued', 'partially_paid')
  );
  SELECT RAISE(ABORT, 'allocation_mismatch')
  WHERE NOT EXISTS (
    SELECT 1 FROM payments p JOIN invoices i ON i.id = NEW.invoice_id
    WHERE p.id = NEW.payment_id AND p.franchise_id = NEW.franchise_id
      AND p.currency = i.currency AND p.customer_id = i.customer_id
  );
  SELECT RAISE(ABORT, 'payment_over_allocated')
  WHERE (SELECT COALESCE(SUM(amount), 0) FROM payment_allocations WHERE payment_id = NEW.payment_id) + NEW.amount
      > (SELECT amount FROM payments WHERE id = NEW.payment_id);
END;
--> statement-breakpoint
-- Settlement counters follow the allocations; the CHECK on invoices rejects over-settlement.
CREATE TRIGGER payment_allocations_settle_invoice
AFTER INSERT ON payment_allocations
BEGIN
  UPDATE invoices SET
    amount_paid = amount_paid + NEW.amount,
    status = CASE WHEN amount_paid + NEW.amount + amount_credited = total THEN 'paid' ELSE 'partially_paid' END,
    version = version + 1,
    updated_at = NEW.created_at
  WHERE id = NEW.invoice_id;
END;
--> statement-breakpoint
CREATE TRIGGER credit_notes_guard
BEFORE INSERT ON credit_notes
BEGIN
  SELECT RAISE(ABORT, 'invoice_not_open')
  WHERE NOT EXISTS (
    SELECT 1 FROM invoices
    WHERE id = NEW.invoice_id AND franchise_id = NEW.franchise_id AND customer_id = NEW.customer_id
      AND currency = NEW.currency AND status IN ('issued', 'partially_paid')
  );
END;
--> statement-breakpoint
CREATE TRIGGER credit_notes_settle_invoice
AFTER INSERT ON credit_notes
BEGIN
  UPDATE invoices SET
    amount_credited = amount_credited + NEW.total,
    status = CASE WHEN amount_paid + amount_credited + NEW.total = total THEN 'paid' ELSE 'partially_paid' END,
    version = version + 1,
    updated_at = NEW.created_at
  WHERE id = NEW.invoice_id;
END;
--> statement-breakpoint
-- Issued credit notes are immutable too.
CREATE TRIGGER credit_notes_immutable
BEFORE UPDATE ON credit_notes
BEGIN
  SELECT RAISE(ABORT, 'credit_note_immutable');
END;
--> statement-breakpoint
CREATE TRIGGER payment_allocations_immutable
BEFORE UPDATE ON payment_allocations
BEGIN
  SELECT RAISE(ABORT, 'allocation_immutable');
END;
--> statement-breakpoint
-- Batch assertions. D1 batches are atomic but cannot branch, so a batch that must only apply
-- when a condition holds starts with
--   INSERT INTO batch_assertions (code, ok) SELECT '<code>', EXISTS (...)
-- and the whole batch aborts with 'batch_assertion_failed:<code>' when ok is not 1.
CREATE VIEW batch_assertions AS SELECT '' AS code, 0 AS ok WHERE 0;
--> statement-breakpoint
CREATE TRIGGER batch_assertions_check
INSTEAD OF INSERT ON batch_assertions
WHEN NEW.ok IS NOT 1
BEGIN
  SELECT RAISE(ABORT, 'batch_assertion_failed');
END;
