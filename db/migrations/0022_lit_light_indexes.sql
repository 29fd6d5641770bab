DROP INDEX `alert_indicator_idx`;--> statement-breakpoint
CREATE INDEX `alert_kind_unit_idx` ON `alert` (`kind`,`unit_id`,`indicator_id`,`since`,`resolved_on`);--> statement-breakpoint
CREATE INDEX `alert_indicator_idx` ON `alert` (`indicator_id`,`since`,`resolved_on`,`light`,`kind`,`unit_id`);--> statement-breakpoint
CREATE INDEX `assignment_role_idx` ON `assignment` (`role`,`parent_id`,`unit_id`,`indicator_id`,`completed_on`);