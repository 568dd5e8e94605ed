-- The monthly rollup starts as the sum of the daily cells already there, so long-range reads stay
-- right at once; then every franchise's rollup is marked for a rebuild (the per-minute cron's
-- ensureRollups), which fills invoices_issued (new, 0 in the existing cells) from the documents.
INSERT INTO `analytics_monthly` (`franchise_id`, `month`, `branch_id`, `service_type_id`, `currency`, `billed_gross`, `billed_net`, `credited_gross`, `credited_net`, `recognized`, `collected`, `credit_applied`, `collected_days`, `late_days`, `overdue_delta`, `invoices_issued`)
SELECT `franchise_id`, substr(`day`, 1, 7), `branch_id`, `service_type_id`, `currency`, SUM(`billed_gross`), SUM(`billed_net`), SUM(`credited_gross`), SUM(`credited_net`), SUM(`recognized`), SUM(`collected`), SUM(`credit_applied`), SUM(`collected_days`), SUM(`late_days`), SUM(`overdue_delta`), SUM(`invoices_issued`)
FROM `analytics_daily` GROUP BY `franchise_id`, substr(`day`, 1, 7), `branch_id`, `service_type_id`, `currency`;
--> statement-breakpoint
DELETE FROM `analytics_state`;
