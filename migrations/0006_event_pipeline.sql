CREATE TABLE `dead_letters` (
	`id` text PRIMARY KEY NOT NULL,
	`franchise_id` text,
	`queue` text NOT NULL,
	`message_id` text NOT NULL,
	`body` text NOT NULL,
	`attempts` integer NOT NULL,
	`last_error` text,
	`created_at` text NOT NULL,
	`replayed_at` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `dead_letters_queue_message` ON `dead_letters` (`queue`,`message_id`);--> statement-breakpoint
CREATE INDEX `dead_letters_franchise` ON `dead_letters` (`franchise_id`,`id`);--> statement-breakpoint
CREATE TABLE `outbox_relay_leases` (
	`franchise_id` text PRIMARY KEY NOT NULL,
	`token` text NOT NULL,
	`leased_until` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `processed_events` (
	`subscriber` text NOT NULL,
	`event_id` text NOT NULL,
	`franchise_id` text NOT NULL,
	`status` text NOT NULL,
	`attempts` integer NOT NULL,
	`last_error` text,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `processed_events_pk` ON `processed_events` (`subscriber`,`event_id`);--> statement-breakpoint
CREATE INDEX `processed_events_event` ON `processed_events` (`franchise_id`,`event_id`);--> statement-breakpoint
ALTER TABLE `outbox_events` ADD `seq` integer;--> statement-breakpoint
CREATE UNIQUE INDEX `outbox_franchise_seq` ON `outbox_events` (`franchise_id`,`seq`);--> statement-breakpoint
CREATE INDEX `outbox_pending_by_franchise` ON `outbox_events` (`franchise_id`,`seq`) WHERE published_at IS NULL;