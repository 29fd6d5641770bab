ALTER TABLE `assignment` ADD `parent_id` integer REFERENCES assignment(id);--> statement-breakpoint
ALTER TABLE `assignment` ADD `handed_on` text;--> statement-breakpoint
ALTER TABLE `assignment` ADD `sign_by` text;--> statement-breakpoint
ALTER TABLE `assignment` ADD `signed_on` text;--> statement-breakpoint
ALTER TABLE `assignment` ADD `shares` text;--> statement-breakpoint
CREATE INDEX `assignment_parent_idx` ON `assignment` (`parent_id`);