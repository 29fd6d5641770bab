ALTER TABLE `assignment` ADD `original_due_on` text;--> statement-breakpoint
-- A unit's own original date: its level's date from the plan's table (an indicator with a deadline rule),
-- as before any extension of its part alone (the first such change names the date it moved from); null
-- otherwise: the indicator's original date.
UPDATE `assignment` SET `original_due_on` = coalesce(
	(SELECT d.`from_due_on` FROM `due_date_change` d WHERE d.`indicator_id` = `assignment`.`indicator_id` AND d.`unit_id` = `assignment`.`unit_id` ORDER BY d.`id` LIMIT 1),
	`due_on`
) WHERE `due_on` IS NOT NULL AND `indicator_id` IN (SELECT `id` FROM `indicator` WHERE `deadline_rule` IS NOT NULL);
