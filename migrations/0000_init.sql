CREATE TABLE `api_keys` (
	`id` text PRIMARY KEY NOT NULL,
	`franchise_id` text NOT NULL,
	`name` text NOT NULL,
	`prefix` text NOT NULL,
	`key_hash` text NOT NULL,
	`scopes` text NOT NULL,
	`created_at` text NOT NULL,
	`revoked_at` text,
	FOREIGN KEY (`franchise_id`) REFERENCES `franchises`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_keys_hash` ON `api_keys` (`key_hash`);--> statement-breakpoint
CREATE TABLE `branches` (
	`id` text PRIMARY KEY NOT NULL,
	`franchise_id` text NOT NULL,
	`code` text NOT NULL,
	`name` text NOT NULL,
	`timezone` text NOT NULL,
	`currency` text NOT NULL,
	`jurisdiction` text NOT NULL,
	`tax_id` text,
	`address` text,
	`created_at` text NOT NULL,
	FOREIGN KEY (`franchise_id`) REFERENCES `franchises`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `branches_franchise_code` ON `branches` (`franchise_id`,`code`);--> statement-breakpoint
CREATE TABLE `credit_note_lines` (
	`id` text PRIMARY KEY NOT NULL,
	`franchise_id` text NOT NULL,
	`credit_note_id` text NOT NULL,
	`position` integer NOT NULL,
	`description` text NOT NULL,
	`quantity_milli` integer NOT NULL,
	`unit_price` integer NOT NULL,
	`net_amount` integer NOT NULL,
	`tax_category` text NOT NULL,
	`tax_rate_ppm` integer NOT NULL,
	FOREIGN KEY (`franchise_id`) REFERENCES `franchises`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`credit_note_id`) REFERENCES `credit_notes`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `credit_note_lines_position` ON `credit_note_lines` (`credit_note_id`,`position`);--> statement-breakpoint
CREATE TABLE `credit_notes` (
	`id` text PRIMARY KEY NOT NULL,
	`franchise_id` text NOT NULL,
	`invoice_id` text NOT NULL,
	`branch_id` text NOT NULL,
	`customer_id` text NOT NULL,
	`seq` integer NOT NULL,
	`number` text NOT NULL,
	`currency` text NOT NULL,
	`reason` text NOT NULL,
	`issue_date` text NOT NULL,
	`subtotal` integer NOT NULL,
	`tax_total` integer NOT NULL,
	`total` integer NOT NULL,
	`tax_breakdown` text NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`franchise_id`) REFERENCES `franchises`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`invoice_id`) REFERENCES `invoices`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`branch_id`) REFERENCES `branches`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`customer_id`) REFERENCES `customers`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "credit_notes_amounts" CHECK("credit_notes"."total" > 0 AND "credit_notes"."total" = "credit_notes"."subtotal" + "credit_notes"."tax_total")
);
--> statement-breakpoint
CREATE UNIQUE INDEX `credit_notes_branch_seq` ON `credit_notes` (`branch_id`,`seq`);--> statement-breakpoint
CREATE INDEX `credit_notes_franchise_invoice` ON `credit_notes` (`franchise_id`,`invoice_id`);--> statement-breakpoint
CREATE TABLE `customer_channels` (
	`franchise_id` text NOT NULL,
	`customer_id` text NOT NULL,
	`channel` text NOT NULL,
	`address` text NOT NULL,
	`consent` text NOT NULL,
	`consent_at` text,
	`opted_out_at` text,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`franchise_id`) REFERENCES `franchises`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`customer_id`) REFERENCES `customers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `customer_channels_pk` ON `customer_channels` (`customer_id`,`channel`);--> statement-breakpoint
CREATE TABLE `customers` (
	`id` text PRIMARY KEY NOT NULL,
	`franchise_id` text NOT NULL,
	`home_branch_id` text,
	`external_ref` text,
	`name` text NOT NULL,
	`email` text,
	`phone` text,
	`segment` text NOT NULL,
	`language` text NOT NULL,
	`timezone` text NOT NULL,
	`tax_id` text,
	`status` text DEFAULT 'active' NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`franchise_id`) REFERENCES `franchises`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`home_branch_id`) REFERENCES `branches`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `customers_franchise_id` ON `customers` (`franchise_id`,`id`);--> statement-breakpoint
CREATE UNIQUE INDEX `customers_franchise_external_ref` ON `customers` (`franchise_id`,`external_ref`);--> statement-breakpoint
CREATE TABLE `franchises` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `idempotency_keys` (
	`franchise_id` text NOT NULL,
	`key` text NOT NULL,
	`request_hash` text NOT NULL,
	`state` text NOT NULL,
	`status_code` integer,
	`response_body` text,
	`response_headers` text,
	`created_at` text NOT NULL,
	`expires_at` text NOT NULL,
	FOREIGN KEY (`franchise_id`) REFERENCES `franchises`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `idempotency_keys_pk` ON `idempotency_keys` (`franchise_id`,`key`);--> statement-breakpoint
CREATE TABLE `invoice_lines` (
	`id` text PRIMARY KEY NOT NULL,
	`franchise_id` text NOT NULL,
	`invoice_id` text NOT NULL,
	`position` integer NOT NULL,
	`description` text NOT NULL,
	`quantity_milli` integer NOT NULL,
	`unit_price` integer NOT NULL,
	`discount_bps` integer DEFAULT 0 NOT NULL,
	`discount_amount` integer DEFAULT 0 NOT NULL,
	`net_amount` integer NOT NULL,
	`service_type_id` text,
	`tax_category` text NOT NULL,
	`tax_rate_ppm` integer NOT NULL,
	`service_period_start` text,
	`service_period_end` text,
	FOREIGN KEY (`franchise_id`) REFERENCES `franchises`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`invoice_id`) REFERENCES `invoices`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`service_type_id`) REFERENCES `service_types`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `invoice_lines_position` ON `invoice_lines` (`invoice_id`,`position`);--> statement-breakpoint
CREATE INDEX `invoice_lines_franchise` ON `invoice_lines` (`franchise_id`,`invoice_id`);--> statement-breakpoint
CREATE TABLE `invoices` (
	`id` text PRIMARY KEY NOT NULL,
	`franchise_id` text NOT NULL,
	`branch_id` text NOT NULL,
	`customer_id` text NOT NULL,
	`seq` integer,
	`number` text,
	`status` text NOT NULL,
	`currency` text NOT NULL,
	`issue_date` text,
	`due_date` text,
	`due_in_days` integer,
	`subtotal` integer NOT NULL,
	`tax_total` integer NOT NULL,
	`total` integer NOT NULL,
	`amount_paid` integer DEFAULT 0 NOT NULL,
	`amount_credited` integer DEFAULT 0 NOT NULL,
	`tax_breakdown` text NOT NULL,
	`memo` text,
	`void_reason` text,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`issued_at` text,
	`voided_at` text,
	FOREIGN KEY (`franchise_id`) REFERENCES `franchises`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`branch_id`) REFERENCES `branches`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`customer_id`) REFERENCES `customers`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "invoices_amounts_non_negative" CHECK("invoices"."subtotal" >= 0 AND "invoices"."tax_total" >= 0 AND "invoices"."total" = "invoices"."subtotal" + "invoices"."tax_total"),
	CONSTRAINT "invoices_settlement_within_total" CHECK("invoices"."amount_paid" >= 0 AND "invoices"."amount_credited" >= 0 AND "invoices"."amount_paid" + "invoices"."amount_credited" <= "invoices"."total"),
	CONSTRAINT "invoices_status" CHECK("invoices"."status" IN ('draft','issued','partially_paid','paid','void')),
	CONSTRAINT "invoices_number_when_issued" CHECK(("invoices"."status" = 'draft') = ("invoices"."seq" IS NULL) OR "invoices"."status" = 'void')
);
--> statement-breakpoint
CREATE UNIQUE INDEX `invoices_branch_seq` ON `invoices` (`branch_id`,`seq`);--> statement-breakpoint
CREATE INDEX `invoices_franchise_id` ON `invoices` (`franchise_id`,`id`);--> statement-breakpoint
CREATE INDEX `invoices_franchise_customer` ON `invoices` (`franchise_id`,`customer_id`,`id`);--> statement-breakpoint
CREATE INDEX `invoices_franchise_status_due` ON `invoices` (`franchise_id`,`status`,`due_date`);--> statement-breakpoint
CREATE INDEX `invoices_franchise_branch_issue` ON `invoices` (`franchise_id`,`branch_id`,`issue_date`);--> statement-breakpoint
CREATE TABLE `outbox_events` (
	`id` text PRIMARY KEY NOT NULL,
	`franchise_id` text NOT NULL,
	`type` text NOT NULL,
	`aggregate_type` text NOT NULL,
	`aggregate_id` text NOT NULL,
	`payload` text NOT NULL,
	`occurred_at` text NOT NULL,
	`published_at` text,
	FOREIGN KEY (`franchise_id`) REFERENCES `franchises`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `outbox_unpublished` ON `outbox_events` (`published_at`,`id`);--> statement-breakpoint
CREATE INDEX `outbox_franchise_aggregate` ON `outbox_events` (`franchise_id`,`aggregate_id`);--> statement-breakpoint
CREATE TABLE `payment_allocations` (
	`id` text PRIMARY KEY NOT NULL,
	`franchise_id` text NOT NULL,
	`payment_id` text NOT NULL,
	`invoice_id` text NOT NULL,
	`amount` integer NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`franchise_id`) REFERENCES `franchises`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`payment_id`) REFERENCES `payments`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`invoice_id`) REFERENCES `invoices`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "payment_allocations_amount_positive" CHECK("payment_allocations"."amount" > 0)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `payment_allocations_payment_invoice` ON `payment_allocations` (`payment_id`,`invoice_id`);--> statement-breakpoint
CREATE INDEX `payment_allocations_invoice` ON `payment_allocations` (`invoice_id`);--> statement-breakpoint
CREATE TABLE `payments` (
	`id` text PRIMARY KEY NOT NULL,
	`franchise_id` text NOT NULL,
	`customer_id` text NOT NULL,
	`currency` text NOT NULL,
	`amount` integer NOT NULL,
	`received_at` text NOT NULL,
	`method` text NOT NULL,
	`reference` text,
	`created_at` text NOT NULL,
	FOREIGN KEY (`franchise_id`) REFERENCES `franchises`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`customer_id`) REFERENCES `customers`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "payments_amount_positive" CHECK("payments"."amount" > 0)
);
--> statement-breakpoint
CREATE INDEX `payments_franchise_customer` ON `payments` (`franchise_id`,`customer_id`,`id`);--> statement-breakpoint
CREATE TABLE `service_types` (
	`id` text PRIMARY KEY NOT NULL,
	`franchise_id` text NOT NULL,
	`code` text NOT NULL,
	`name` text NOT NULL,
	`default_tax_category` text NOT NULL,
	`cost_rate_bps` integer NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`franchise_id`) REFERENCES `franchises`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "service_types_cost_rate" CHECK("service_types"."cost_rate_bps" BETWEEN 0 AND 100000)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `service_types_franchise_code` ON `service_types` (`franchise_id`,`code`);--> statement-breakpoint
CREATE TABLE `staff_sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`franchise_id` text NOT NULL,
	`staff_user_id` text NOT NULL,
	`token_hash` text NOT NULL,
	`created_at` text NOT NULL,
	`expires_at` text NOT NULL,
	FOREIGN KEY (`franchise_id`) REFERENCES `franchises`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`staff_user_id`) REFERENCES `staff_users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `staff_sessions_token` ON `staff_sessions` (`token_hash`);--> statement-breakpoint
CREATE TABLE `staff_users` (
	`id` text PRIMARY KEY NOT NULL,
	`franchise_id` text NOT NULL,
	`email` text NOT NULL,
	`name` text NOT NULL,
	`role` text NOT NULL,
	`password_hash` text NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`franchise_id`) REFERENCES `franchises`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `staff_users_email` ON `staff_users` (`email`);--> statement-breakpoint
CREATE TABLE `tax_rates` (
	`id` text PRIMARY KEY NOT NULL,
	`jurisdiction` text NOT NULL,
	`category` text NOT NULL,
	`rate_ppm` integer NOT NULL,
	`effective_from` text NOT NULL,
	`effective_to` text,
	`source` text NOT NULL,
	`created_at` text NOT NULL,
	CONSTRAINT "tax_rates_rate" CHECK("tax_rates"."rate_ppm" BETWEEN 0 AND 1000000)
);
--> statement-breakpoint
CREATE INDEX `tax_rates_lookup` ON `tax_rates` (`jurisdiction`,`category`,`effective_from`);