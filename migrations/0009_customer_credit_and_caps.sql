-- Money that can always be applied (workers/domain/customer-ledger.ts, credit-caps.ts).
-- Customer credit per (customer, currency) = payments + credit notes − refunds − what invoices
-- have settled (amount_paid + amount_credited). Refunds, credit applications and allocations
-- draw on it; the triggers below refuse any that would take it below zero, so concurrent
-- requests cannot spend the same credit twice.

-- Branch addresses were free text; they are now a JSON postal address. Old text is kept as
-- line1 with the jurisdiction's country until someone enters the structured address.
UPDATE branches SET address = json_object('line1', address, 'city', '', 'postalCode', '', 'countryCode', substr(jurisdiction, 1, 2))
WHERE address IS NOT NULL AND json_valid(address) = 0;
--> statement-breakpoint
-- Issued invoices are frozen documents, their seller and buyer snapshots included: a snapshot
-- can be filled once (at issue, or below for invoices issued before snapshots existed), never
-- changed.
CREATE TRIGGER invoices_parties_frozen
BEFORE UPDATE OF seller, buyer ON invoices
WHEN OLD.status <> 'draft' AND (OLD.seller IS NOT NULL OR OLD.buyer IS NOT NULL)
BEGIN
  SELECT RAISE(ABORT, 'invoice_immutable');
END;
--> statement-breakpoint
-- Invoices inserted already issued (imports, the demo seed) take their parties as they stand.
-- Same shape as workers/domain/party-snapshot.ts.
CREATE TRIGGER invoices_parties_on_insert
AFTER INSERT ON invoices
WHEN NEW.status <> 'draft' AND NEW.seller IS NULL
BEGIN
  UPDATE invoices SET
    seller = (SELECT json_object('legalName', COALESCE(b.legal_name, b.name), 'taxId', b.tax_id, 'address', json(b.address), 'contact', json_object('email', b.contact_email, 'phone', b.contact_phone)) FROM branches b WHERE b.id = NEW.branch_id),
    buyer = (SELECT json_object('name', c.name, 'taxId', c.tax_id, 'address', json(c.address), 'email', c.email) FROM customers c WHERE c.id = NEW.customer_id)
  WHERE id = NEW.id;
END;
--> statement-breakpoint
-- Invoices issued before this migration: the best snapshot left is the parties as they are now.
UPDATE invoices SET
  seller = (SELECT json_object('legalName', COALESCE(b.legal_name, b.name), 'taxId', b.tax_id, 'address', json(b.address), 'contact', json_object('email', b.contact_email, 'phone', b.contact_phone)) FROM branches b WHERE b.id = invoices.branch_id),
  buyer = (SELECT json_object('name', c.name, 'taxId', c.tax_id, 'address', json(c.address), 'email', c.email) FROM customers c WHERE c.id = invoices.customer_id)
WHERE status <> 'draft' AND seller IS NULL;
--> statement-breakpoint
DROP TRIGGER credit_notes_immutable;
--> statement-breakpoint
CREATE TRIGGER credit_notes_immutable
BEFORE UPDATE OF id, franchise_id, invoice_id, branch_id, customer_id, seq, number, currency, reason, issue_date, subtotal, tax_total, total, tax_breakdown, created_at ON credit_notes
BEGIN
  SELECT RAISE(ABORT, 'credit_note_immutable');
END;
--> statement-breakpoint
CREATE TRIGGER credit_notes_parties_frozen
BEFORE UPDATE OF seller, buyer ON credit_notes
WHEN OLD.seller IS NOT NULL OR OLD.buyer IS NOT NULL
BEGIN
  SELECT RAISE(ABORT, 'credit_note_immutable');
END;
--> statement-breakpoint
-- A credit note names the parties of its invoice.
CREATE TRIGGER credit_notes_parties_on_insert
AFTER INSERT ON credit_notes
WHEN NEW.seller IS NULL
BEGIN
  UPDATE credit_notes SET
    seller = (SELECT seller FROM invoices WHERE id = NEW.invoice_id),
    buyer = (SELECT buyer FROM invoices WHERE id = NEW.invoice_id)
  WHERE id = NEW.id;
END;
--> statement-breakpoint
UPDATE credit_notes SET
  seller = (SELECT seller FROM invoices WHERE id = credit_notes.invoice_id),
  buyer = (SELECT buyer FROM invoices WHERE id = credit_notes.invoice_id)
WHERE seller IS NULL;
--> statement-breakpoint
-- A paid invoice can be credited too: what exceeds its open balance becomes customer credit.
DROP TRIGGER credit_notes_guard;
--> statement-breakpoint
CREATE TRIGGER credit_notes_guard
BEFORE INSERT ON credit_notes
BEGIN
  SELECT RAISE(ABORT, 'invoice_not_open')
  WHERE NOT EXISTS (
    SELECT 1 FROM invoices
    WHERE id = NEW.invoice_id AND franchise_id = NEW.franchise_id AND customer_id = NEW.customer_id
      AND currency = NEW.currency AND status IN ('issued', 'partially_paid', 'paid')
  );
END;
--> statement-breakpoint
DROP TRIGGER credit_notes_settle_invoice;
--> statement-breakpoint
CREATE TRIGGER credit_notes_settle_invoice
AFTER INSERT ON credit_notes
BEGIN
  UPDATE invoices SET
    amount_credited = amount_credited + MIN(NEW.total, total - amount_paid - amount_credited),
    status = CASE WHEN amount_paid + amount_credited + MIN(NEW.total, total - amount_paid - amount_credited) >= total THEN 'paid' ELSE 'partially_paid' END,
    version = version + 1,
    updated_at = NEW.created_at
  WHERE id = NEW.invoice_id;
END;
--> statement-breakpoint
-- Per (tax category, rate) group: credited net and tax never exceed what the invoice charged.
CREATE TRIGGER credit_notes_within_tax_groups
BEFORE INSERT ON credit_notes
BEGIN
  SELECT RAISE(ABORT, 'credit_exceeds_tax_group')
  WHERE EXISTS (
    SELECT 1 FROM json_each(NEW.tax_breakdown) AS n
    WHERE NOT EXISTS (
      SELECT 1 FROM invoices i, json_each(i.tax_breakdown) AS g
      WHERE i.id = NEW.invoice_id AND i.franchise_id = NEW.franchise_id
        AND json_extract(g.value, '$.category') = json_extract(n.value, '$.category')
        AND json_extract(g.value, '$.ratePpm') = json_extract(n.value, '$.ratePpm')
        AND json_extract(g.value, '$.taxableAmount') >= json_extract(n.value, '$.taxableAmount') + (SELECT COALESCE(SUM(json_extract(p.value, '$.taxableAmount')), 0) FROM credit_notes c, json_each(c.tax_breakdown) AS p
           WHERE c.franchise_id = NEW.franchise_id AND c.invoice_id = NEW.invoice_id
             AND json_extract(p.value, '$.category') = json_extract(n.value, '$.category')
             AND json_extract(p.value, '$.ratePpm') = json_extract(n.value, '$.ratePpm'))
        AND json_extract(g.value, '$.taxAmount') >= json_extract(n.value, '$.taxAmount') + (SELECT COALESCE(SUM(json_extract(p.value, '$.taxAmount')), 0) FROM credit_notes c, json_each(c.tax_breakdown) AS p
           WHERE c.franchise_id = NEW.franchise_id AND c.invoice_id = NEW.invoice_id
             AND json_extract(p.value, '$.category') = json_extract(n.value, '$.category')
             AND json_extract(p.value, '$.ratePpm') = json_extract(n.value, '$.ratePpm'))
    )
  );
END;
--> statement-breakpoint
CREATE TRIGGER payment_allocations_within_customer_credit
BEFORE INSERT ON payment_allocations
BEGIN
  SELECT RAISE(ABORT, 'customer_credit_exhausted')
  FROM payments pay
  WHERE pay.id = NEW.payment_id
    AND NEW.amount > ((SELECT COALESCE(SUM(amount), 0) FROM payments WHERE franchise_id = pay.franchise_id AND customer_id = pay.customer_id AND currency = pay.currency)
      + (SELECT COALESCE(SUM(total), 0) FROM credit_notes WHERE franchise_id = pay.franchise_id AND customer_id = pay.customer_id AND currency = pay.currency)
      - (SELECT COALESCE(SUM(amount), 0) FROM refunds WHERE franchise_id = pay.franchise_id AND customer_id = pay.customer_id AND currency = pay.currency)
      - (SELECT COALESCE(SUM(amount_paid + amount_credited), 0) FROM invoices WHERE franchise_id = pay.franchise_id AND customer_id = pay.customer_id AND currency = pay.currency));
END;
--> statement-breakpoint
CREATE TRIGGER refunds_within_customer_credit
BEFORE INSERT ON refunds
BEGIN
  SELECT RAISE(ABORT, 'customer_credit_exhausted')
  WHERE NEW.amount > ((SELECT COALESCE(SUM(amount), 0) FROM payments WHERE franchise_id = NEW.franchise_id AND customer_id = NEW.customer_id AND currency = NEW.currency)
      + (SELECT COALESCE(SUM(total), 0) FROM credit_notes WHERE franchise_id = NEW.franchise_id AND customer_id = NEW.customer_id AND currency = NEW.currency)
      - (SELECT COALESCE(SUM(amount), 0) FROM refunds WHERE franchise_id = NEW.franchise_id AND customer_id = NEW.customer_id AND currency = NEW.currency)
      - (SELECT COALESCE(SUM(amount_paid + amount_credited), 0) FROM invoices WHERE franchise_id = NEW.franchise_id AND customer_id = NEW.customer_id AND currency = NEW.currency));
END;
--> statement-breakpoint
CREATE TRIGGER refunds_immutable
BEFORE UPDATE ON refunds
BEGIN
  SELECT RAISE(ABORT, 'refund_immutable');
END;
--> statement-breakpoint
CREATE TRIGGER credit_applications_guard
BEFORE INSERT ON credit_applications
BEGIN
  SELECT RAISE(ABORT, 'invoice_not_open')
  WHERE NOT EXISTS (
    SELECT 1 FROM invoices
    WHERE id = NEW.invoice_id AND franchise_id = NEW.franchise_id AND status IN ('issued', 'partially_paid')
  );
  SELECT RAISE(ABORT, 'allocation_mismatch')
  WHERE NOT EXISTS (
    SELECT 1 FROM invoices
    WHERE id = NEW.invoice_id AND customer_id = NEW.customer_id AND currency = NEW.currency
  );
  SELECT RAISE(ABORT, 'customer_credit_exhausted')
  WHERE NEW.amount > ((SELECT COALESCE(SUM(amount), 0) FROM payments WHERE franchise_id = NEW.franchise_id AND customer_id = NEW.customer_id AND currency = NEW.currency)
      + (SELECT COALESCE(SUM(total), 0) FROM credit_notes WHERE franchise_id = NEW.franchise_id AND customer_id = NEW.customer_id AND currency = NEW.currency)
      - (SELECT COALESCE(SUM(amount), 0) FROM refunds WHERE franchise_id = NEW.franchise_id AND customer_id = NEW.customer_id AND currency = NEW.currency)
      - (SELECT COALESCE(SUM(amount_paid + amount_credited), 0) FROM invoices WHERE franchise_id = NEW.franchise_id AND customer_id = NEW.customer_id AND currency = NEW.currency));
END;
--> statement-breakpoint
CREATE TRIGGER credit_applications_settle_invoice
AFTER INSERT ON credit_applications
BEGIN
  UPDATE invoices SET
    amount_credited = amount_credited + NEW.amount,
    status = CASE WHEN amount_paid + amount_credited + NEW.amount = total THEN 'paid' ELSE 'partially_paid' END,
    version = version + 1,
    updated_at = NEW.created_at
  WHERE id = NEW.invoice_id;
END;
--> statement-breakpoint
CREATE TRIGGER credit_applications_immutable
BEFORE UPDATE ON credit_applications
BEGIN
  SELECT RAISE(ABORT, 'allocation_immutable');
END;
