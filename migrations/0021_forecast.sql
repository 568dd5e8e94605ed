ALTER TABLE `customer_dunning_profiles` ADD `segment` text;--> statement-breakpoint
ALTER TABLE `customer_dunning_profiles` ADD `segment_source` text;--> statement-breakpoint
ALTER TABLE `customer_dunning_profiles` ADD `segment_set_at` text;