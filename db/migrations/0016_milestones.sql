CREATE TABLE `milestone` (
	`plan_id` integer NOT NULL,
	`period` text NOT NULL,
	`deliverable` text NOT NULL,
	`percent` real NOT NULL,
	`value` real,
	PRIMARY KEY(`plan_id`, `period`),
	FOREIGN KEY (`plan_id`) REFERENCES `milestone_plan`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `milestone_plan` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`indicator_id` integer NOT NULL,
	`unit_id` integer NOT NULL,
	`version` integer NOT NULL,
	`status` text DEFAULT 'draft' NOT NULL,
	`target_id` integer,
	`note` text DEFAULT '' NOT NULL,
	`created_at` integer NOT NULL,
	`created_by` integer,
	`submitted_at` integer,
	`decided_at` integer,
	`decided_by` integer,
	`decision_note` text,
	`in_force_on` text,
	FOREIGN KEY (`indicator_id`) REFERENCES `indicator`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`unit_id`) REFERENCES `unit`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`target_id`) REFERENCES `indicator_target`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`created_by`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`decided_by`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `milestone_plan_version_idx` ON `milestone_plan` (`indicator_id`,`unit_id`,`version`);--> statement-breakpoint
CREATE UNIQUE INDEX `milestone_plan_in_force_idx` ON `milestone_plan` (`indicator_id`,`unit_id`) WHERE "milestone_plan"."status" = 'approved';--> statement-breakpoint
CREATE UNIQUE INDEX `milestone_plan_open_idx` ON `milestone_plan` (`indicator_id`,`unit_id`) WHERE "milestone_plan"."status" in ('draft', 'submitted');--> statement-breakpoint
CREATE INDEX `milestone_plan_status_idx` ON `milestone_plan` (`status`,`submitted_at`);--> statement-breakpoint
CREATE INDEX `milestone_plan_unit_idx` ON `milestone_plan` (`unit_id`,`status`);