CREATE TABLE `customer_risk_scores` (
	`franchise_id` text NOT NULL,
	`customer_id` text NOT NULL,
	`run_id` text NOT NULL,
	`p_late` real NOT NULL,
	`expected_days_to_settle` real NOT NULL,
	`trend` real NOT NULL,
	`top_factors` text NOT NULL,
	`open_invoices` integer NOT NULL,
	`scored_at` text NOT NULL,
	PRIMARY KEY(`franchise_id`, `customer_id`),
	FOREIGN KEY (`franchise_id`) REFERENCES `franchises`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`customer_id`) REFERENCES `customers`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "customer_risk_scores_p" CHECK("customer_risk_scores"."p_late" >= 0 AND "customer_risk_scores"."p_late" <= 1)
);
--> statement-breakpoint
CREATE INDEX `customer_risk_scores_franchise_p` ON `customer_risk_scores` (`franchise_id`,`p_late`);--> statement-breakpoint
CREATE TABLE `forecast_model_runs` (
	`id` text PRIMARY KEY NOT NULL,
	`franchise_id` text NOT NULL,
	`trained_at` text NOT NULL,
	`invoices` integer NOT NULL,
	`forecast_accuracy` text NOT NULL,
	`risk_accuracy` text,
	`actor` text NOT NULL,
	FOREIGN KEY (`franchise_id`) REFERENCES `franchises`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `forecast_model_runs_franchise_trained` ON `forecast_model_runs` (`franchise_id`,`trained_at`);