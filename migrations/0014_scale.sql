CREATE TABLE `rate_plan_assignments` (
	`franchise_id` text NOT NULL,
	`subject` text NOT NULL,
	`rate_plan_id` text NOT NULL,
	`created_at` text NOT NULL,
	PRIMARY KEY(`franchise_id`, `subject`),
	FOREIGN KEY (`franchise_id`) REFERENCES `franchises`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`rate_plan_id`) REFERENCES `rate_plans`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `rate_plans` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`key_burst` integer NOT NULL,
	`key_per_minute` integer NOT NULL,
	`franchise_burst` integer NOT NULL,
	`franchise_per_minute` integer NOT NULL,
	`expensive_concurrency` integer NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	CONSTRAINT "rate_plans_positive" CHECK("rate_plans"."key_burst" >= 1 AND "rate_plans"."key_per_minute" >= 1 AND "rate_plans"."franchise_burst" >= 1 AND "rate_plans"."franchise_per_minute" >= 1 AND "rate_plans"."expensive_concurrency" >= 1)
);
