ALTER TABLE `outbox_events` ADD `aggregate_version` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `outbox_events` ADD `actor` text DEFAULT 'system:unknown' NOT NULL;