ALTER TABLE `billing_runs` ADD `started_at` text;--> statement-breakpoint
CREATE INDEX `agreements_branch_customer` ON `agreements` (`franchise_id`,`branch_id`,`customer_id`,`id`);