CREATE TABLE `verifactu_submissions` (
	`franchise_id` text NOT NULL,
	`nif` text NOT NULL,
	`position` integer NOT NULL,
	`record_type` text NOT NULL,
	`document_kind` text NOT NULL,
	`document_id` text NOT NULL,
	`huella` text NOT NULL,
	`status` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`last_error` text,
	`error_code` text,
	`csv` text,
	`submitted_at` text,
	`settled_at` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	PRIMARY KEY(`franchise_id`, `nif`, `position`),
	FOREIGN KEY (`franchise_id`) REFERENCES `franchises`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "verifactu_submissions_status_check" CHECK("verifactu_submissions"."status" IN ('pending','submitting','retrying','accepted','accepted_with_errors','rejected','failed'))
);
--> statement-breakpoint
CREATE INDEX `verifactu_submissions_document` ON `verifactu_submissions` (`franchise_id`,`document_id`);--> statement-breakpoint
CREATE INDEX `verifactu_submissions_status` ON `verifactu_submissions` (`franchise_id`,`status`);--> statement-breakpoint
CREATE TABLE `verifactu_submitters` (
	`franchise_id` text NOT NULL,
	`nif` text NOT NULL,
	`issuer_name` text NOT NULL,
	`settled_through` integer DEFAULT 0 NOT NULL,
	`lease_until` text,
	`next_send_at` text,
	`wake_at` text,
	`updated_at` text NOT NULL,
	PRIMARY KEY(`franchise_id`, `nif`),
	FOREIGN KEY (`franchise_id`) REFERENCES `franchises`(`id`) ON UPDATE no action ON DELETE no action
);
