CREATE TABLE `forecast_settings` (
	`franchise_id` text PRIMARY KEY NOT NULL,
	`high_risk_enter` real NOT NULL,
	`high_risk_exit` real NOT NULL,
	`updated_at` text NOT NULL,
	`updated_by` text NOT NULL,
	FOREIGN KEY (`franchise_id`) REFERENCES `franchises`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "forecast_settings_thresholds" CHECK("forecast_settings"."high_risk_exit" >= 0 AND "forecast_settings"."high_risk_exit" <= "forecast_settings"."high_risk_enter" AND "forecast_settings"."high_risk_enter" <= 1)
);
