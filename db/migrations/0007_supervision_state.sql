-- The lights are rebuilt from the rules (with their real dates) by the next daily round: old reasons were text.
DELETE FROM `alert_event`;--> statement-breakpoint
DROP TABLE `light_snapshot`;--> statement-breakpoint
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_alert` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`light` text NOT NULL,
	`indicator_id` integer,
	`unit_id` integer,
	`period` text,
	`open_key` text,
	`since` text NOT NULL,
	`resolved_on` text,
	`params` text NOT NULL,
	FOREIGN KEY (`indicator_id`) REFERENCES `indicator`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`unit_id`) REFERENCES `unit`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
DROP TABLE `alert`;--> statement-breakpoint
ALTER TABLE `__new_alert` RENAME TO `alert`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE UNIQUE INDEX `alert_open_key_unique` ON `alert` (`open_key`);--> statement-breakpoint
CREATE INDEX `alert_indicator_idx` ON `alert` (`indicator_id`);--> statement-breakpoint
CREATE INDEX `alert_unit_idx` ON `alert` (`unit_id`,`resolved_on`);--> statement-breakpoint
CREATE INDEX `alert_day_idx` ON `alert` (`since`,`resolved_on`);--> statement-breakpoint
ALTER TABLE `assignment` ADD `completed_on` text;--> statement-breakpoint
ALTER TABLE `indicator` ADD `kind` text DEFAULT 'joint' NOT NULL;--> statement-breakpoint
ALTER TABLE `due_date_change` ADD `unit_id` integer REFERENCES unit(id);--> statement-breakpoint
ALTER TABLE `alert_event` ADD `cause` text NOT NULL;--> statement-breakpoint
ALTER TABLE `alert_event` DROP COLUMN `reason`;--> statement-breakpoint
-- assignment.due_on (a unit's own due date) comes from 0005_importer: per-level dates and one-unit extensions share it.
-- Backfill: where the lead came through a member group (各设区市政府) every unit owes its own part; signed-off
-- indicators were signed off for every unit; today's daily round runs again to rebuild the lights.
UPDATE `indicator` SET `kind` = 'each' WHERE EXISTS (SELECT 1 FROM `assignment` a JOIN `unit_group` g ON g.id = a.via_group_id WHERE a.indicator_id = `indicator`.id AND a.role = 'lead' AND g.kind = 'members');--> statement-breakpoint
UPDATE `assignment` SET `completed_on` = (SELECT i.completed_on FROM `indicator` i WHERE i.id = `assignment`.indicator_id);--> statement-breakpoint
DELETE FROM `job_run` WHERE `job` IN ('daily', 'evaluate') AND `day` = (SELECT max(`day`) FROM `job_run` WHERE `job` = 'daily');