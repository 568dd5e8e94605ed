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
CREATE INDEX `tax_rate_changes_status` ON `tax_rate_changes` (`status`,`effective_from`);