CREATE TABLE `login_attempts` (
	`scope` text PRIMARY KEY NOT NULL,
	`failures` integer NOT NULL,
	`last_failure_at` text NOT NULL,
	`blocked_until` text
);
--> statement-breakpoint
CREATE INDEX `login_attempts_last_failure` ON `login_attempts` (`last_failure_at`);--> statement-breakpoint
ALTER TABLE `idempotency_keys` ADD `principal` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `idempotency_keys` ADD `lease_token` text;--> statement-breakpoint
ALTER TABLE `idempotency_keys` ADD `lease_until` text;--> statement-breakpoint
ALTER TABLE `idempotency_keys` ADD `resource_type` text;--> statement-breakpoint
ALTER TABLE `idempotency_keys` ADD `resource_id` text;--> statement-breakpoint
CREATE INDEX `idempotency_keys_expires` ON `idempotency_keys` (`expires_at`);--> statement-breakpoint
ALTER TABLE `staff_sessions` ADD `revoked_at` text;--> statement-breakpoint
CREATE INDEX `staff_sessions_expires` ON `staff_sessions` (`expires_at`);