CREATE TABLE `report` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`unit_id` integer NOT NULL,
	`period` text NOT NULL,
	`status` text DEFAULT 'draft' NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`due_on` text NOT NULL,
	`first_submitted_at` integer,
	`submitted_at` integer,
	`late` integer,
	`reviewed_at` integer,
	`reviewed_by` integer,
	`return_reason` text,
	`updated_at` integer NOT NULL,
	`updated_by` integer,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`unit_id`) REFERENCES `unit`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`reviewed_by`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`updated_by`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `report_unit_period_uq` ON `report` (`unit_id`,`period`);--> statement-breakpoint
CREATE INDEX `report_period_status_idx` ON `report` (`period`,`status`);--> statement-breakpoint
CREATE TABLE `report_item` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`report_id` integer NOT NULL,
	`indicator_id` integer NOT NULL,
	`role` text NOT NULL,
	`progress_status` text,
	`percent` integer,
	`progress` text DEFAULT '' NOT NULL,
	`problems` text DEFAULT '' NOT NULL,
	`next_steps` text DEFAULT '' NOT NULL,
	`return_reason` text,
	FOREIGN KEY (`report_id`) REFERENCES `report`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`indicator_id`) REFERENCES `indicator`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `report_item_report_indicator_uq` ON `report_item` (`report_id`,`indicator_id`);--> statement-breakpoint
CREATE INDEX `report_item_indicator_idx` ON `report_item` (`indicator_id`);--> statement-breakpoint
CREATE TABLE `report_item_value` (
	`item_id` integer NOT NULL,
	`target_id` integer NOT NULL,
	`value` real NOT NULL,
	FOREIGN KEY (`item_id`) REFERENCES `report_item`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`target_id`) REFERENCES `indicator_target`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `report_item_value_uq` ON `report_item_value` (`item_id`,`target_id`);--> statement-breakpoint
CREATE TABLE `report_version` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`report_id` integer NOT NULL,
	`version` integer NOT NULL,
	`action` text NOT NULL,
	`status` text NOT NULL,
	`snapshot` text NOT NULL,
	`at` integer NOT NULL,
	`by` integer,
	FOREIGN KEY (`report_id`) REFERENCES `report`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`by`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `report_version_uq` ON `report_version` (`report_id`,`version`);--> statement-breakpoint
CREATE TABLE `due_date_change` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`indicator_id` integer NOT NULL,
	`from_due_on` text,
	`to_due_on` text NOT NULL,
	`request_id` integer,
	`reason` text NOT NULL,
	`at` integer NOT NULL,
	`by` integer,
	FOREIGN KEY (`indicator_id`) REFERENCES `indicator`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`request_id`) REFERENCES `request`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`by`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `due_date_change_indicator_idx` ON `due_date_change` (`indicator_id`);--> statement-breakpoint
CREATE TABLE `request` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`indicator_id` integer NOT NULL,
	`unit_id` integer NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`statement` text NOT NULL,
	`new_due_on` text,
	`late` integer DEFAULT false NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`created_by` integer,
	`decided_at` integer,
	`decided_by` integer,
	`decision_note` text,
	FOREIGN KEY (`indicator_id`) REFERENCES `indicator`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`unit_id`) REFERENCES `unit`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`decided_by`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `request_status_idx` ON `request` (`status`,`kind`);--> statement-breakpoint
CREATE INDEX `request_indicator_idx` ON `request` (`indicator_id`);--> statement-breakpoint
CREATE TABLE `urge_notice` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`year` integer NOT NULL,
	`seq` integer NOT NULL,
	`unit_id` integer NOT NULL,
	`level` text NOT NULL,
	`message` text NOT NULL,
	`issued_on` text NOT NULL,
	`issued_at` integer NOT NULL,
	`issued_by` integer,
	`acknowledged_at` integer,
	`acknowledged_by` integer,
	FOREIGN KEY (`unit_id`) REFERENCES `unit`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`issued_by`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`acknowledged_by`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `urge_notice_unit_idx` ON `urge_notice` (`unit_id`);--> statement-breakpoint
CREATE INDEX `urge_notice_year_seq_idx` ON `urge_notice` (`year`,`seq`);--> statement-breakpoint
CREATE TABLE `urge_notice_indicator` (
	`notice_id` integer NOT NULL,
	`indicator_id` integer NOT NULL,
	FOREIGN KEY (`notice_id`) REFERENCES `urge_notice`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`indicator_id`) REFERENCES `indicator`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `urge_notice_indicator_idx` ON `urge_notice_indicator` (`indicator_id`);--> statement-breakpoint
CREATE TABLE `attachment` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`stored_name` text NOT NULL,
	`original_name` text NOT NULL,
	`content_type` text NOT NULL,
	`size` integer NOT NULL,
	`sha256` text NOT NULL,
	`unit_id` integer,
	`owner_type` text,
	`owner_id` integer,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`created_by` integer,
	FOREIGN KEY (`unit_id`) REFERENCES `unit`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `attachment_stored_name_unique` ON `attachment` (`stored_name`);--> statement-breakpoint
CREATE INDEX `attachment_owner_idx` ON `attachment` (`owner_type`,`owner_id`);--> statement-breakpoint
CREATE TABLE `setting` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL,
	`updated_at` integer NOT NULL
);
