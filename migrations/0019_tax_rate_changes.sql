CREATE TABLE `tax_rate_changes` (
	`id` text PRIMARY KEY NOT NULL,
	`jurisdiction` text NOT NULL,
	`category` text NOT NULL,
	`rate_ppm` integer NOT NULL,
	`effective_from` text NOT NULL,
	`effective_to` text,
	`source` text NOT NULL,
	`feed` text NOT NULL,
	`fingerprint` text NOT NULL,
	`status` text NOT NULL,
	`staged_at` text NOT NULL,
	`decided_at` text,
	`decided_by` text,
	`decision_reason` text,
	CONSTRAINT "tax_rate_changes_status" CHECK("tax_rate_changes"."status" IN ('pending','approved','rejected')),
	CONSTRAINT "tax_rate_changes_rate" CHECK("tax_rate_changes"."rate_ppm" BETWEEN 0 AND 1000000),
	CONSTRAINT "tax_rate_changes_period" CHECK("tax_rate_changes"."effective_to" IS NULL OR "tax_rate_changes"."effective_to" > "tax_rate_changes"."effective_from")
);
--> statement-breakpoint
CREATE UNIQUE INDEX `tax_rate_changes_fingerprint` ON `tax_rate_changes` (`fingerprint`);--> statement-breakpoint
CREATE INDEX `tax_rate_changes_status` ON `tax_rate_changes` (`status`,`effective_from`);--> statement-breakpoint
-- Tax-rate periods per (jurisdiction, category) are one unbroken chain of half-open intervals
-- [effective_from, effective_to) (workers/domain/tax-periods.ts states the same rule). The insert
-- trigger of 0002 refuses overlaps; these refuse empty periods, gaps, rewriting a rate in place,
-- and updates or deletes that would open a gap or an overlap, so no write path can bypass it.
-- A change closes the last period and appends the next ones, in that order, in one batch.
CREATE TRIGGER tax_rates_nonempty
BEFORE INSERT ON tax_rates
WHEN NEW.effective_to IS NOT NULL AND NEW.effective_to <= NEW.effective_from
BEGIN
  SELECT RAISE(ABORT, 'tax_rate_period_empty');
END;
--> statement-breakpoint
CREATE TRIGGER tax_rates_no_gap
BEFORE INSERT ON tax_rates
WHEN EXISTS (SELECT 1 FROM tax_rates r WHERE r.jurisdiction = NEW.jurisdiction AND r.category = NEW.category)
  -- an overlap is reported by tax_rates_no_overlap instead
  AND NOT EXISTS (
    SELECT 1 FROM tax_rates r
    WHERE r.jurisdiction = NEW.jurisdiction AND r.category = NEW.category
      AND r.effective_from < COALESCE(NEW.effective_to, '9999-12-31')
      AND NEW.effective_from < COALESCE(r.effective_to, '9999-12-31')
  )
  AND NOT EXISTS (SELECT 1 FROM tax_rates r WHERE r.jurisdiction = NEW.jurisdiction AND r.category = NEW.category AND r.effective_to = NEW.effective_from)
  AND NOT EXISTS (SELECT 1 FROM tax_rates r WHERE r.jurisdiction = NEW.jurisdiction AND r.category = NEW.category AND r.effective_from = NEW.effective_to)
BEGIN
  SELECT RAISE(ABORT, 'tax_rate_period_gap');
END;
--> statement-breakpoint
-- A period's rate and identity never change: a different rate is a new period.
CREATE TRIGGER tax_rates_rate_immutable
BEFORE UPDATE OF rate_ppm, jurisdiction, category ON tax_rates
WHEN NEW.rate_ppm IS NOT OLD.rate_ppm OR NEW.jurisdiction IS NOT OLD.jurisdiction OR NEW.category IS NOT OLD.category
BEGIN
  SELECT RAISE(ABORT, 'tax_rate_immutable');
END;
--> statement-breakpoint
CREATE TRIGGER tax_rates_update_period
BEFORE UPDATE OF effective_from, effective_to ON tax_rates
BEGIN
  SELECT RAISE(ABORT, 'tax_rate_period_empty')
  WHERE NEW.effective_to IS NOT NULL AND NEW.effective_to <= NEW.effective_from;
  SELECT RAISE(ABORT, 'tax_rate_period_overlap')
  WHERE EXISTS (
    SELECT 1 FROM tax_rates r
    WHERE r.id <> OLD.id AND r.jurisdiction = NEW.jurisdiction AND r.category = NEW.category
      AND r.effective_from < COALESCE(NEW.effective_to, '9999-12-31')
      AND NEW.effective_from < COALESCE(r.effective_to, '9999-12-31')
  );
  -- moving an end that a neighbour starts at (or a start a neighbour ends at) opens a gap
  SELECT RAISE(ABORT, 'tax_rate_period_gap')
  WHERE (NEW.effective_to IS NOT OLD.effective_to AND EXISTS (SELECT 1 FROM tax_rates r WHERE r.id <> OLD.id AND r.jurisdiction = OLD.jurisdiction AND r.category = OLD.category AND r.effective_from = OLD.effective_to))
     OR (NEW.effective_from IS NOT OLD.effective_from AND EXISTS (SELECT 1 FROM tax_rates r WHERE r.id <> OLD.id AND r.jurisdiction = OLD.jurisdiction AND r.category = OLD.category AND r.effective_to = OLD.effective_from));
END;
--> statement-breakpoint
CREATE TRIGGER tax_rates_delete_no_gap
BEFORE DELETE ON tax_rates
WHEN EXISTS (SELECT 1 FROM tax_rates r WHERE r.jurisdiction = OLD.jurisdiction AND r.category = OLD.category AND r.effective_to = OLD.effective_from)
  AND EXISTS (SELECT 1 FROM tax_rates r WHERE r.jurisdiction = OLD.jurisdiction AND r.category = OLD.category AND r.effective_from = OLD.effective_to)
BEGIN
  SELECT RAISE(ABORT, 'tax_rate_period_gap');
END;
