CREATE TABLE `analytics_applied_events` (
	`franchise_id` text NOT NULL,
	`seq` integer NOT NULL,
	`applied_at` text NOT NULL,
	PRIMARY KEY(`franchise_id`, `seq`)
);
--> statement-breakpoint
CREATE TABLE `analytics_daily` (
	`franchise_id` text NOT NULL,
	`day` text NOT NULL,
	`branch_id` text NOT NULL,
	`service_type_id` text NOT NULL,
	`currency` text NOT NULL,
	`billed_gross` integer DEFAULT 0 NOT NULL,
	`billed_net` integer DEFAULT 0 NOT NULL,
	`credited_gross` integer DEFAULT 0 NOT NULL,
	`credited_net` integer DEFAULT 0 NOT NULL,
	`recognized` integer DEFAULT 0 NOT NULL,
	`collected` integer DEFAULT 0 NOT NULL,
	`credit_applied` integer DEFAULT 0 NOT NULL,
	`collected_days` integer DEFAULT 0 NOT NULL,
	`late_days` integer DEFAULT 0 NOT NULL,
	`overdue_delta` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`franchise_id`, `day`, `branch_id`, `service_type_id`, `currency`)
);
--> statement-breakpoint
CREATE INDEX `analytics_daily_branch_day` ON `analytics_daily` (`franchise_id`,`branch_id`,`day`);--> statement-breakpoint
CREATE TABLE `analytics_state` (
	`franchise_id` text PRIMARY KEY NOT NULL,
	`rebuilt_through_seq` integer NOT NULL,
	`rebuilt_at` text NOT NULL,
	`cells` integer NOT NULL
);
--> statement-breakpoint
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