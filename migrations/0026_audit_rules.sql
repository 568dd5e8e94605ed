-- Tax-rate interval triggers and the seeded retention policies (issue 10): the hand-written part of
-- the audit branch's migrations, kept apart from the generated DDL in 0025_audit.sql.
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
--> statement-breakpoint
-- The compliance NOTES §1.9 table (workers/domain/retention.ts RETENTION_POLICIES; test/worker/retention.test.ts compares them).
INSERT INTO `retention_policies` (`jurisdiction`, `document_class`, `months`, `start`, `source`) VALUES
  ('ES', 'invoice', 72, '{"kind":"calendar_year_end"}', 'Código de Comercio art. 30 (6 y; tax limitation LGT art. 66 is 4 y) [M]'),
  ('ES', 'books', 72, '{"kind":"calendar_year_end"}', 'Código de Comercio art. 30 (6 y) [M]'),
  ('PT', 'invoice', 120, '{"kind":"calendar_year_end"}', 'CIVA / Portaria 363/2010 (10 y) [M]'),
  ('PT', 'books', 120, '{"kind":"calendar_year_end"}', 'Código Comercial / CIRC art. 123 (10 y) [M]'),
  ('FR', 'invoice', 120, '{"kind":"calendar_year_end"}', 'Code de commerce L123-22 (10 y accounting; LPF L102 B 6 y tax) [M]'),
  ('FR', 'books', 120, '{"kind":"calendar_year_end"}', 'Code de commerce L123-22 (10 y) [M]'),
  ('DE', 'invoice', 96, '{"kind":"calendar_year_end"}', '§ 147(3),(4) AO, § 14b(1) UStG as amended by BEG IV (8 y from the end of the calendar year) [S]'),
  ('DE', 'books', 120, '{"kind":"calendar_year_end"}', '§ 147(3),(4) AO, § 257(4),(5) HGB (10 y from the end of the calendar year) [S]'),
  ('IT', 'invoice', 120, '{"kind":"calendar_year_end"}', 'Codice civile art. 2220 (10 y) [3P]'),
  ('IT', 'books', 120, '{"kind":"calendar_year_end"}', 'Codice civile art. 2220 (10 y) [3P]'),
  ('SA', 'invoice', 72, '{"kind":"calendar_quarter_end"}', 'VAT Implementing Regulations art. 66 (6 y from the end of the tax period) [3P]'),
  ('SA', 'books', 72, '{"kind":"calendar_quarter_end"}', 'VAT Implementing Regulations art. 66 (6 y from the end of the tax period) [3P]'),
  ('IN', 'invoice', 72, '{"kind":"annual_return_due","fiscalYearStartMonth":4,"dueMonthsAfter":9}', 'CGST Act s.36 (72 months from the due date of the annual return, 31 Dec after the April–March year) [M]'),
  ('IN', 'books', 72, '{"kind":"annual_return_due","fiscalYearStartMonth":4,"dueMonthsAfter":9}', 'CGST Act s.36 [M]');
