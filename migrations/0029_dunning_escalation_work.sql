CREATE TABLE `dunning_escalation_settings` (
	`franchise_id` text PRIMARY KEY NOT NULL,
	`collections_assignee_id` text,
	`updated_at` text NOT NULL,
	`updated_by` text NOT NULL,
	FOREIGN KEY (`franchise_id`) REFERENCES `franchises`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`collections_assignee_id`) REFERENCES `staff_users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `dunning_escalation_work` (
	`escalation_id` text PRIMARY KEY NOT NULL,
	`franchise_id` text NOT NULL,
	`status` text NOT NULL,
	`assignee_id` text,
	`version` integer NOT NULL,
	`assigned_at` text,
	`assigned_by` text,
	`acknowledged_at` text,
	`acknowledged_by` text,
	`resolved_at` text,
	`resolved_by` text,
	`resolution` text,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`escalation_id`) REFERENCES `communications`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`franchise_id`) REFERENCES `franchises`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`assignee_id`) REFERENCES `staff_users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `dunning_escalation_work_assignee` ON `dunning_escalation_work` (`franchise_id`,`assignee_id`,`status`);