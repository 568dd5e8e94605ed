CREATE TABLE `legal_holds` (
	`id` text PRIMARY KEY NOT NULL,
	`franchise_id` text NOT NULL,
	`document_kind` text NOT NULL,
	`document_id` text NOT NULL,
	`reason` text NOT NULL,
	`set_by` text NOT NULL,
	`set_at` text NOT NULL,
	`lifted_at` text,
	`lifted_by` text,
	`lift_reason` text,
	FOREIGN KEY (`franchise_id`) REFERENCES `franchises`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "legal_holds_kind" CHECK("legal_holds"."document_kind" IN ('invoice','credit_note')),
	CONSTRAINT "legal_holds_lift" CHECK(("legal_holds"."lifted_at" IS NULL) = ("legal_holds"."lifted_by" IS NULL) AND ("legal_holds"."lifted_at" IS NULL) = ("legal_holds"."lift_reason" IS NULL))
);
--> statement-breakpoint
CREATE INDEX `legal_holds_document` ON `legal_holds` (`franchise_id`,`document_kind`,`document_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `legal_holds_active` ON `legal_holds` (`franchise_id`,`document_kind`,`document_id`) WHERE lifted_at IS NULL;--> statement-breakpoint
CREATE TABLE `retention_policies` (
	`jurisdiction` text NOT NULL,
	`document_class` text NOT NULL,
	`months` integer NOT NULL,
	`start` text NOT NULL,
	`source` text NOT NULL,
	PRIMARY KEY(`jurisdiction`, `document_class`),
	CONSTRAINT "retention_policies_months" CHECK("retention_policies"."months" BETWEEN 1 AND 1200)
);
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
