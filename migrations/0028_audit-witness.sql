CREATE TABLE `audit_witness_pushes` (
	`franchise_id` text NOT NULL,
	`size` integer NOT NULL,
	`url` text NOT NULL,
	`status` text NOT NULL,
	`http_status` integer,
	`error` text,
	`attempts` integer NOT NULL,
	`first_attempt_at` text NOT NULL,
	`last_attempt_at` text NOT NULL,
	`delivered_at` text,
	PRIMARY KEY(`franchise_id`, `size`),
	FOREIGN KEY (`franchise_id`) REFERENCES `franchises`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `audit_witness_pushes_pending` ON `audit_witness_pushes` (`status`,`franchise_id`);--> statement-breakpoint
CREATE TABLE `audit_witnesses` (
	`franchise_id` text PRIMARY KEY NOT NULL,
	`url` text NOT NULL,
	`secret_sealed` text,
	`secret_fingerprint` text,
	`version` integer DEFAULT 1 NOT NULL,
	`updated_by` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`franchise_id`) REFERENCES `franchises`(`id`) ON UPDATE no action ON DELETE no action
);
