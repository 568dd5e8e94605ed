CREATE TABLE `agreements` (
	`id` text PRIMARY KEY NOT NULL,
	`franchise_id` text NOT NULL,
	`branch_id` text NOT NULL,
	`customer_id` text NOT NULL,
	`service_type_id` text NOT NULL,
	`description` text NOT NULL,
	`quantity_milli` integer NOT NULL,
	`unit_price` integer NOT NULL,
	`cadence` text NOT NULL,
	`start_date` text NOT NULL,
	`end_date` text,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`franchise_id`) REFERENCES `franchises`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`branch_id`) REFERENCES `branches`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`customer_id`) REFERENCES `customers`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`service_type_id`) REFERENCES `service_types`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "agreements_cadence" CHECK("agreements"."cadence" IN ('monthly','quarterly','annual')),
	CONSTRAINT "agreements_amounts" CHECK("agreements"."quantity_milli" > 0 AND "agreements"."unit_price" >= 0),
	CONSTRAINT "agreements_dates" CHECK("agreements"."end_date" IS NULL OR "agreements"."end_date" >= "agreements"."start_date")
);
--> statement-breakpoint
CREATE INDEX `agreements_franchise` ON `agreements` (`franchise_id`,`id`);--> statement-breakpoint
CREATE INDEX `agreements_franchise_branch` ON `agreements` (`franchise_id`,`branch_id`,`id`);--> statement-breakpoint
CREATE TABLE `billing_run_invoices` (
	`franchise_id` text NOT NULL,
	`billing_key` text NOT NULL,
	`invoice_id` text NOT NULL,
	`run_id` text NOT NULL,
	PRIMARY KEY(`franchise_id`, `billing_key`),
	FOREIGN KEY (`franchise_id`) REFERENCES `franchises`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`invoice_id`) REFERENCES `invoices`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `billing_run_invoices_invoice` ON `billing_run_invoices` (`invoice_id`);--> statement-breakpoint
CREATE TABLE `billing_run_items` (
	`run_id` text NOT NULL,
	`position` integer NOT NULL,
	`franchise_id` text NOT NULL,
	`customer_id` text NOT NULL,
	`billing_keys` text NOT NULL,
	`lines` text NOT NULL,
	`status` text DEFAULT 'planned' NOT NULL,
	`invoice_id` text,
	`error_code` text,
	`error_message` text,
	PRIMARY KEY(`run_id`, `position`),
	FOREIGN KEY (`run_id`) REFERENCES `billing_runs`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`franchise_id`) REFERENCES `franchises`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `billing_run_items_status` ON `billing_run_items` (`run_id`,`status`,`position`);--> statement-breakpoint
CREATE TABLE `billing_runs` (
	`id` text PRIMARY KEY NOT NULL,
	`franchise_id` text NOT NULL,
	`branch_id` text NOT NULL,
	`period` text NOT NULL,
	`source` text NOT NULL,
	`issue_date` text NOT NULL,
	`status` text NOT NULL,
	`planned` integer DEFAULT 0 NOT NULL,
	`created` integer DEFAULT 0 NOT NULL,
	`issued` integer DEFAULT 0 NOT NULL,
	`failed` integer DEFAULT 0 NOT NULL,
	`error` text,
	`requested_by` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`finished_at` text,
	FOREIGN KEY (`franchise_id`) REFERENCES `franchises`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`branch_id`) REFERENCES `branches`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "billing_runs_status" CHECK("billing_runs"."status" IN ('queued','running','done','failed'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `billing_runs_branch_period` ON `billing_runs` (`franchise_id`,`branch_id`,`period`);--> statement-breakpoint
CREATE INDEX `billing_runs_franchise` ON `billing_runs` (`franchise_id`,`id`);--> statement-breakpoint
CREATE INDEX `billing_runs_status` ON `billing_runs` (`status`,`updated_at`);