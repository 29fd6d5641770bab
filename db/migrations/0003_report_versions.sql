DROP INDEX `report_version_uq`;--> statement-breakpoint
ALTER TABLE `report` ADD `revision` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
-- Hand-written backfill, run before the new unique indexes (generated, moved below it), which the old
-- rows would violate. The old `version` counted every write: it becomes the revision. Only the newest
-- draft of a report is kept; every kept version is renumbered by submission (a draft: the one it will become).
UPDATE `report` SET `revision` = `version`;--> statement-breakpoint
DELETE FROM `report_version` WHERE `action` = 'save'
	AND `id` < (SELECT max(v.`id`) FROM `report_version` v WHERE v.`report_id` = `report_version`.`report_id`);--> statement-breakpoint
UPDATE `report_version` SET `version` = (action = 'save') + (
	SELECT count(*) FROM `report_version` s
	WHERE s.`report_id` = `report_version`.`report_id` AND s.`action` = 'submit' AND s.`id` <= `report_version`.`id`
);--> statement-breakpoint
UPDATE `report` SET `version` = (
	SELECT count(*) FROM `report_version` s WHERE s.`report_id` = `report`.`id` AND s.`action` = 'submit'
);--> statement-breakpoint
CREATE UNIQUE INDEX `report_version_draft_uq` ON `report_version` (`report_id`) WHERE "report_version"."action" = 'save';--> statement-breakpoint
CREATE UNIQUE INDEX `report_version_uq` ON `report_version` (`report_id`,`version`,`action`);
