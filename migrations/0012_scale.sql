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
--> statement-breakpoint
CREATE TABLE `route_metrics` (
	`franchise_id` text NOT NULL,
	`minute` text NOT NULL,
	`route` text NOT NULL,
	`count` integer NOT NULL,
	`errors` integer NOT NULL,
	`throttled` integer NOT NULL,
	`b0` integer NOT NULL,
	`b1` integer NOT NULL,
	`b2` integer NOT NULL,
	`b3` integer NOT NULL,
	`b4` integer NOT NULL,
	`b5` integer NOT NULL,
	`b6` integer NOT NULL,
	`b7` integer NOT NULL,
	`b8` integer NOT NULL,
	`b9` integer NOT NULL,
	`b10` integer NOT NULL,
	`b11` integer NOT NULL,
	`b12` integer NOT NULL,
	PRIMARY KEY(`franchise_id`, `minute`, `route`)
);
