CREATE TABLE `erp_alerts` (
	`id` text PRIMARY KEY NOT NULL,
	`franchise_id` text NOT NULL,
	`connection_id` text NOT NULL,
	`kind` text NOT NULL,
	`status` text NOT NULL,
	`value` integer NOT NULL,
	`threshold` integer NOT NULL,
	`message` text NOT NULL,
	`notified` text DEFAULT '{}' NOT NULL,
	`opened_at` text NOT NULL,
	`cleared_at` text,
	FOREIGN KEY (`connection_id`) REFERENCES `erp_connections`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `erp_alerts_open` ON `erp_alerts` (`connection_id`,`kind`) WHERE status = 'open';--> statement-breakpoint
CREATE INDEX `erp_alerts_franchise` ON `erp_alerts` (`franchise_id`,`connection_id`,`opened_at`);--> statement-breakpoint
CREATE TABLE `erp_inbound_changes` (
	`id` text PRIMARY KEY NOT NULL,
	`franchise_id` text NOT NULL,
	`connection_id` text NOT NULL,
	`remote_type` text NOT NULL,
	`remote_id` text NOT NULL,
	`remote_version` text NOT NULL,
	`field_group` text NOT NULL,
	`decision` text NOT NULL,
	`local_id` text,
	`detail` text NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`connection_id`) REFERENCES `erp_connections`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `erp_inbound_changes_remote` ON `erp_inbound_changes` (`connection_id`,`remote_type`,`remote_id`,`remote_version`,`field_group`);--> statement-breakpoint
CREATE INDEX `erp_inbound_changes_franchise` ON `erp_inbound_changes` (`franchise_id`,`connection_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `erp_poll_watermarks` (
	`franchise_id` text NOT NULL,
	`connection_id` text NOT NULL,
	`resource` text NOT NULL,
	`watermark` text NOT NULL,
	`updated_at` text NOT NULL,
	PRIMARY KEY(`connection_id`, `resource`),
	FOREIGN KEY (`connection_id`) REFERENCES `erp_connections`(`id`) ON UPDATE no action ON DELETE no action
);
