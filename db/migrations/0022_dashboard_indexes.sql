DROP INDEX `assignment_unit_idx`;--> statement-breakpoint
CREATE INDEX `assignment_unit_idx` ON `assignment` (`unit_id`,`indicator_id`,`parent_id`);--> statement-breakpoint
DROP INDEX `alert_indicator_idx`;--> statement-breakpoint
CREATE INDEX `alert_indicator_idx` ON `alert` (`indicator_id`,`since`,`resolved_on`,`light`,`kind`,`unit_id`);