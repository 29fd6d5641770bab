CREATE TABLE `score_adjustment` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`period` text NOT NULL,
	`unit_id` integer NOT NULL,
	`points` real NOT NULL,
	`reason` text NOT NULL,
	`created_at` integer NOT NULL,
	`created_by` integer,
	FOREIGN KEY (`unit_id`) REFERENCES `unit`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `score_adjustment_period_idx` ON `score_adjustment` (`period`,`unit_id`);--> statement-breakpoint
DROP TABLE `unit_score`;--> statement-breakpoint
ALTER TABLE `urge_notice` ADD `bulletin_id` integer REFERENCES bulletin(id);