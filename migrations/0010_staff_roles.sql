CREATE TABLE `staff_branch_assignments` (
	`franchise_id` text NOT NULL,
	`staff_user_id` text NOT NULL,
	`branch_id` text NOT NULL,
	`created_at` text NOT NULL,
	PRIMARY KEY(`staff_user_id`, `branch_id`),
	FOREIGN KEY (`franchise_id`) REFERENCES `franchises`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`staff_user_id`) REFERENCES `staff_users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`branch_id`) REFERENCES `branches`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `staff_branch_assignments_franchise` ON `staff_branch_assignments` (`franchise_id`,`staff_user_id`);--> statement-breakpoint
ALTER TABLE `staff_users` ADD `deactivated_at` text;--> statement-breakpoint
ALTER TABLE `staff_users` ADD `version` integer DEFAULT 1 NOT NULL;