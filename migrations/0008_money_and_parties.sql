CREATE TABLE `credit_applications` (
	`id` text PRIMARY KEY NOT NULL,
	`franchise_id` text NOT NULL,
	`customer_id` text NOT NULL,
	`invoice_id` text NOT NULL,
	`currency` text NOT NULL,
	`amount` integer NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`franchise_id`) REFERENCES `franchises`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`customer_id`) REFERENCES `customers`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`invoice_id`) REFERENCES `invoices`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "credit_applications_amount_positive" CHECK("credit_applications"."amount" > 0)
);
--> statement-breakpoint
CREATE INDEX `credit_applications_franchise_customer` ON `credit_applications` (`franchise_id`,`customer_id`,`currency`);--> statement-breakpoint
CREATE TABLE `refunds` (
	`id` text PRIMARY KEY NOT NULL,
	`franchise_id` text NOT NULL,
	`customer_id` text NOT NULL,
	`currency` text NOT NULL,
	`amount` integer NOT NULL,
	`refunded_at` text NOT NULL,
	`method` text NOT NULL,
	`reference` text,
	`created_at` text NOT NULL,
	FOREIGN KEY (`franchise_id`) REFERENCES `franchises`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`customer_id`) REFERENCES `customers`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "refunds_amount_positive" CHECK("refunds"."amount" > 0)
);
--> statement-breakpoint
CREATE INDEX `refunds_franchise_customer` ON `refunds` (`franchise_id`,`customer_id`,`currency`);--> statement-breakpoint
ALTER TABLE `branches` ADD `legal_name` text;--> statement-breakpoint
ALTER TABLE `branches` ADD `contact_email` text;--> statement-breakpoint
ALTER TABLE `branches` ADD `contact_phone` text;--> statement-breakpoint
ALTER TABLE `credit_notes` ADD `seller` text;--> statement-breakpoint
ALTER TABLE `credit_notes` ADD `buyer` text;--> statement-breakpoint
CREATE INDEX `credit_notes_franchise_customer` ON `credit_notes` (`franchise_id`,`customer_id`,`currency`);--> statement-breakpoint
ALTER TABLE `customers` ADD `address` text;--> statement-breakpoint
ALTER TABLE `invoices` ADD `seller` text;--> statement-breakpoint
ALTER TABLE `invoices` ADD `buyer` text;--> statement-breakpoint
ALTER TABLE `payments` ADD `version` integer DEFAULT 1 NOT NULL;