CREATE TABLE `bi_exports` (
	`id` text PRIMARY KEY NOT NULL,
	`franchise_id` text NOT NULL,
	`date` text NOT NULL,
	`status` text NOT NULL,
	`tables_done` integer DEFAULT 0 NOT NULL,
	`tables_total` integer NOT NULL,
	`rows` integer DEFAULT 0 NOT NULL,
	`error` text,
	`requested_by` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `bi_exports_franchise` ON `bi_exports` (`franchise_id`,`id`);