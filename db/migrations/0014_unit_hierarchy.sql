ALTER TABLE `unit` ADD `parent_id` integer REFERENCES unit(id);--> statement-breakpoint
CREATE INDEX `unit_parent_idx` ON `unit` (`parent_id`);