-- SQLite's ALTER TABLE ADD could not give assignment.parent_id its ON DELETE CASCADE (PostgreSQL's has it):
-- the table is rebuilt with it, drizzle-kit's way. Migrations run inside one transaction, where
-- PRAGMA foreign_keys=OFF is a no-op, so the new table's parent key names the new table itself: dropping
-- the old one then cascades into nothing, and the rename points the key at `assignment`.
CREATE TABLE `__new_assignment` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`indicator_id` integer NOT NULL,
	`unit_id` integer NOT NULL,
	`role` text NOT NULL,
	`via_group_id` integer,
	`due_on` text,
	`original_due_on` text,
	`position` integer NOT NULL,
	`completed_on` text,
	`parent_id` integer,
	`handed_on` text,
	`sign_by` text,
	`signed_on` text,
	`shares` text,
	FOREIGN KEY (`indicator_id`) REFERENCES `indicator`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`unit_id`) REFERENCES `unit`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`via_group_id`) REFERENCES `unit_group`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`parent_id`) REFERENCES `__new_assignment`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
INSERT INTO `__new_assignment`("id", "indicator_id", "unit_id", "role", "via_group_id", "due_on", "original_due_on", "position", "completed_on", "parent_id", "handed_on", "sign_by", "signed_on", "shares") SELECT "id", "indicator_id", "unit_id", "role", "via_group_id", "due_on", "original_due_on", "position", "completed_on", "parent_id", "handed_on", "sign_by", "signed_on", "shares" FROM `assignment`;--> statement-breakpoint
DROP TABLE `assignment`;--> statement-breakpoint
ALTER TABLE `__new_assignment` RENAME TO `assignment`;--> statement-breakpoint
CREATE UNIQUE INDEX `assignment_indicator_unit_uq` ON `assignment` (`indicator_id`,`unit_id`);--> statement-breakpoint
CREATE INDEX `assignment_unit_idx` ON `assignment` (`unit_id`,`indicator_id`);--> statement-breakpoint
CREATE INDEX `assignment_parent_idx` ON `assignment` (`parent_id`);
