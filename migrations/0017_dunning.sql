CREATE TABLE `communications` (
	`id` text PRIMARY KEY NOT NULL,
	`franchise_id` text NOT NULL,
	`customer_id` text NOT NULL,
	`kind` text NOT NULL,
	`channel` text,
	`step_id` text,
	`cadence_id` text,
	`cadence_version` integer,
	`invoice_ids` text NOT NULL,
	`reason` text,
	`address` text,
	`subject` text,
	`body` text,
	`content_hash` text,
	`provider_message_id` text,
	`idempotency_key` text,
	`actor` text NOT NULL,
	`occurred_at` text NOT NULL,
	FOREIGN KEY (`franchise_id`) REFERENCES `franchises`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`customer_id`) REFERENCES `customers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `communications_customer` ON `communications` (`franchise_id`,`customer_id`,`id`);--> statement-breakpoint
CREATE UNIQUE INDEX `communications_idempotency` ON `communications` (`franchise_id`,`kind`,`idempotency_key`);--> statement-breakpoint
CREATE INDEX `communications_provider_message` ON `communications` (`provider_message_id`);--> statement-breakpoint
CREATE TABLE `customer_dunning_profiles` (
	`customer_id` text PRIMARY KEY NOT NULL,
	`franchise_id` text NOT NULL,
	`preferred_channels` text NOT NULL,
	`do_not_contact` integer DEFAULT false NOT NULL,
	`unreachable` text DEFAULT '{}' NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`customer_id`) REFERENCES `customers`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`franchise_id`) REFERENCES `franchises`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `dunning_cadence_versions` (
	`franchise_id` text NOT NULL,
	`cadence_id` text NOT NULL,
	`version` integer NOT NULL,
	`definition` text NOT NULL,
	`created_at` text NOT NULL,
	`created_by` text NOT NULL,
	PRIMARY KEY(`cadence_id`, `version`),
	FOREIGN KEY (`franchise_id`) REFERENCES `franchises`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`cadence_id`) REFERENCES `dunning_cadences`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `dunning_cadences` (
	`id` text PRIMARY KEY NOT NULL,
	`franchise_id` text NOT NULL,
	`name` text NOT NULL,
	`segments` text NOT NULL,
	`version` integer NOT NULL,
	`status` text DEFAULT 'active' NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`franchise_id`) REFERENCES `franchises`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `dunning_cadences_franchise` ON `dunning_cadences` (`franchise_id`,`id`);--> statement-breakpoint
CREATE TABLE `dunning_settings` (
	`franchise_id` text PRIMARY KEY NOT NULL,
	`buckets` text NOT NULL,
	`holidays` text DEFAULT '{}' NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`franchise_id`) REFERENCES `franchises`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `invoice_disputes` (
	`id` text PRIMARY KEY NOT NULL,
	`franchise_id` text NOT NULL,
	`invoice_id` text NOT NULL,
	`customer_id` text NOT NULL,
	`reason` text NOT NULL,
	`opened_at` text NOT NULL,
	`resolved_at` text,
	`resolution` text,
	`opened_by` text NOT NULL,
	FOREIGN KEY (`franchise_id`) REFERENCES `franchises`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`invoice_id`) REFERENCES `invoices`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`customer_id`) REFERENCES `customers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `invoice_disputes_customer` ON `invoice_disputes` (`franchise_id`,`customer_id`);--> statement-breakpoint
CREATE INDEX `invoice_disputes_invoice` ON `invoice_disputes` (`franchise_id`,`invoice_id`);--> statement-breakpoint
CREATE TABLE `promises_to_pay` (
	`id` text PRIMARY KEY NOT NULL,
	`franchise_id` text NOT NULL,
	`customer_id` text NOT NULL,
	`until` text NOT NULL,
	`amount` integer,
	`created_at` text NOT NULL,
	`created_by` text NOT NULL,
	FOREIGN KEY (`franchise_id`) REFERENCES `franchises`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`customer_id`) REFERENCES `customers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `promises_to_pay_customer` ON `promises_to_pay` (`franchise_id`,`customer_id`);