CREATE TABLE `report_span` (
	`unit_id` integer NOT NULL,
	`plan_id` integer NOT NULL,
	`from_period` text NOT NULL,
	`to_period` text NOT NULL,
	PRIMARY KEY(`unit_id`, `plan_id`),
	FOREIGN KEY (`unit_id`) REFERENCES `unit`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`plan_id`) REFERENCES `plan`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
DROP INDEX `alert_day_idx`;--> statement-breakpoint
CREATE INDEX `alert_day_idx` ON `alert` (`since`,`resolved_on`,`light`,`kind`,`indicator_id`,`unit_id`);--> statement-breakpoint
ALTER TABLE `assignment` ADD `original_due_on` text;--> statement-breakpoint
-- A unit's own original date: its level's date from the plan's table (an indicator with a deadline rule),
-- as before any extension of its part alone (the first such change names the date it moved from); null
-- otherwise: the indicator's original date.
UPDATE `assignment` SET `original_due_on` = coalesce(
	(SELECT d.`from_due_on` FROM `due_date_change` d WHERE d.`indicator_id` = `assignment`.`indicator_id` AND d.`unit_id` = `assignment`.`unit_id` ORDER BY d.`id` LIMIT 1),
	`due_on`
) WHERE `due_on` IS NOT NULL AND `indicator_id` IN (SELECT `id` FROM `indicator` WHERE `deadline_rule` IS NOT NULL);
--> statement-breakpoint
-- The months each unit owes reports for, per plan, as refreshReportSpans keeps them.
INSERT INTO `report_span` (`unit_id`, `plan_id`, `from_period`, `to_period`)
SELECT a.`unit_id`, p.`id`, substr(coalesce(p.`issued_on`, p.`year` || '-01-01'), 1, 7), max(coalesce(substr(a.`completed_on`, 1, 7), '9999-12'))
FROM `assignment` a JOIN `indicator` i ON i.`id` = a.`indicator_id` JOIN `plan` p ON p.`id` = i.`plan_id`
GROUP BY a.`unit_id`, p.`id`;
