CREATE TABLE `analytics_monthly` (
	`franchise_id` text NOT NULL,
	`month` text NOT NULL,
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
	`invoices_issued` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`franchise_id`, `month`, `branch_id`, `service_type_id`, `currency`)
);
--> statement-breakpoint
CREATE INDEX `analytics_monthly_branch_month` ON `analytics_monthly` (`franchise_id`,`branch_id`,`month`);--> statement-breakpoint
ALTER TABLE `analytics_daily` ADD `invoices_issued` integer DEFAULT 0 NOT NULL;