CREATE TABLE `notice_answer` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`notice_id` integer NOT NULL,
	`text` text NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`created_at` integer NOT NULL,
	`created_by` integer,
	`decided_at` integer,
	`decided_by` integer,
	`decision_note` text,
	FOREIGN KEY (`notice_id`) REFERENCES `urge_notice`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`created_by`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`decided_by`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `notice_answer_notice_idx` ON `notice_answer` (`notice_id`);--> statement-breakpoint
CREATE TABLE `unit_news` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`unit_id` integer NOT NULL,
	`dedupe_key` text NOT NULL,
	`title` text NOT NULL,
	`body` text NOT NULL,
	`link` text NOT NULL,
	`light` text,
	`created_at` integer NOT NULL,
	`mailed_on` text,
	FOREIGN KEY (`unit_id`) REFERENCES `unit`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `unit_news_dedupe_key_unique` ON `unit_news` (`dedupe_key`);--> statement-breakpoint
CREATE INDEX `unit_news_unit_mailed_idx` ON `unit_news` (`unit_id`,`mailed_on`);--> statement-breakpoint
ALTER TABLE `urge_notice` ADD `answer_due_on` text;--> statement-breakpoint
ALTER TABLE `urge_notice` ADD `closed_at` integer;--> statement-breakpoint
ALTER TABLE `notification` ADD `topic` text;--> statement-breakpoint
ALTER TABLE `notification` ADD `withdrawn_at` integer;--> statement-breakpoint
CREATE INDEX `notification_topic_idx` ON `notification` (`topic`);