CREATE TABLE `einvoice_tax_categories` (
	`franchise_id` text NOT NULL,
	`jurisdiction` text NOT NULL,
	`internal_category` text NOT NULL,
	`code` text NOT NULL,
	`exemption_reason_code` text,
	`exemption_reason` text,
	`updated_at` text NOT NULL,
	`updated_by` text NOT NULL,
	FOREIGN KEY (`franchise_id`) REFERENCES `franchises`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "einvoice_tax_categories_code" CHECK("einvoice_tax_categories"."code" IN ('S','Z','E','AE','K','G','O','L','M'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `einvoice_tax_categories_pk` ON `einvoice_tax_categories` (`franchise_id`,`jurisdiction`,`internal_category`);--> statement-breakpoint
CREATE INDEX `einvoice_tax_categories_franchise` ON `einvoice_tax_categories` (`franchise_id`);