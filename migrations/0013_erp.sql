CREATE TABLE `erp_conflicts` (
	`id` text PRIMARY KEY NOT NULL,
	`franchise_id` text NOT NULL,
	`connection_id` text NOT NULL,
	`record_id` text NOT NULL,
	`field_group` text NOT NULL,
	`ours` text NOT NULL,
	`theirs` text NOT NULL,
	`base` text NOT NULL,
	`status` text NOT NULL,
	`resolution` text,
	`resolved_by` text,
	`created_at` text NOT NULL,
	`resolved_at` text,
	FOREIGN KEY (`connection_id`) REFERENCES `erp_connections`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`record_id`) REFERENCES `erp_sync_records`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `erp_conflicts_open` ON `erp_conflicts` (`franchise_id`,`connection_id`,`status`,`created_at`);--> statement-breakpoint
CREATE TABLE `erp_connections` (
	`id` text PRIMARY KEY NOT NULL,
	`franchise_id` text NOT NULL,
	`provider` text NOT NULL,
	`status` text NOT NULL,
	`remote_tenant_id` text,
	`remote_tenant_name` text,
	`alerting` text DEFAULT '{}' NOT NULL,
	`contact_owner` text DEFAULT 'review' NOT NULL,
	`last_synced_at` text,
	`last_polled_at` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`franchise_id`) REFERENCES `franchises`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `erp_connections_franchise` ON `erp_connections` (`franchise_id`,`status`);--> statement-breakpoint
CREATE TABLE `erp_mappings` (
	`franchise_id` text NOT NULL,
	`connection_id` text NOT NULL,
	`kind` text NOT NULL,
	`local_key` text NOT NULL,
	`remote_code` text NOT NULL,
	`updated_at` text NOT NULL,
	PRIMARY KEY(`connection_id`, `kind`, `local_key`),
	FOREIGN KEY (`connection_id`) REFERENCES `erp_connections`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `erp_mappings_franchise` ON `erp_mappings` (`franchise_id`,`connection_id`);--> statement-breakpoint
CREATE TABLE `erp_sync_attempts` (
	`id` text PRIMARY KEY NOT NULL,
	`franchise_id` text NOT NULL,
	`record_id` text NOT NULL,
	`attempt` integer NOT NULL,
	`at` text NOT NULL,
	`outcome` text NOT NULL,
	`http_status` integer,
	`message` text,
	FOREIGN KEY (`record_id`) REFERENCES `erp_sync_records`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `erp_sync_attempts_record` ON `erp_sync_attempts` (`record_id`,`at`);--> statement-breakpoint
CREATE INDEX `erp_sync_attempts_franchise` ON `erp_sync_attempts` (`franchise_id`,`at`);--> statement-breakpoint
CREATE TABLE `erp_sync_records` (
	`id` text PRIMARY KEY NOT NULL,
	`franchise_id` text NOT NULL,
	`connection_id` text NOT NULL,
	`entity_type` text NOT NULL,
	`entity_id` text NOT NULL,
	`operation` text NOT NULL,
	`entity_number` text,
	`depends_on` text,
	`state` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`payload` text NOT NULL,
	`synced_snapshot` text,
	`remote_id` text,
	`source_at` text NOT NULL,
	`synced_at` text,
	`next_attempt_at` text,
	`claimed_until` text,
	`last_error_class` text,
	`last_error` text,
	`last_fix` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`connection_id`) REFERENCES `erp_connections`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `erp_sync_records_entity` ON `erp_sync_records` (`connection_id`,`entity_type`,`entity_id`,`operation`);--> statement-breakpoint
CREATE INDEX `erp_sync_records_state` ON `erp_sync_records` (`franchise_id`,`connection_id`,`state`,`source_at`);--> statement-breakpoint
CREATE INDEX `erp_sync_records_synced` ON `erp_sync_records` (`connection_id`,`synced_at`);