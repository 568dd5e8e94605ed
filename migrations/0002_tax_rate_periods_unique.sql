DROP INDEX `tax_rates_lookup`;--> statement-breakpoint
CREATE UNIQUE INDEX `tax_rates_jurisdiction_category_from` ON `tax_rates` (`jurisdiction`,`category`,`effective_from`);--> statement-breakpoint
-- A jurisdiction has one rate per category on any day: periods [from, to) must not overlap.
-- A rate change closes the current period (effective_to) and inserts the next one.
CREATE TRIGGER tax_rates_no_overlap
BEFORE INSERT ON tax_rates
WHEN EXISTS (
  SELECT 1 FROM tax_rates r
  WHERE r.jurisdiction = NEW.jurisdiction AND r.category = NEW.category
    AND r.effective_from < COALESCE(NEW.effective_to, '9999-12-31')
    AND NEW.effective_from < COALESCE(r.effective_to, '9999-12-31')
)
BEGIN
  SELECT RAISE(ABORT, 'tax_rate_period_overlap');
END;
