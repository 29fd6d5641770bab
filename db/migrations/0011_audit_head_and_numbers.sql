CREATE TABLE `audit_head` (
	`id` integer PRIMARY KEY NOT NULL,
	`hash` text NOT NULL
);
--> statement-breakpoint
DROP INDEX `urge_notice_year_seq_idx`;--> statement-breakpoint
CREATE UNIQUE INDEX `urge_notice_year_seq_idx` ON `urge_notice` (`year`,`seq`);--> statement-breakpoint
CREATE UNIQUE INDEX `request_one_pending_idx` ON `request` (`indicator_id`,`unit_id`,`kind`) WHERE "request"."status" = 'pending';--> statement-breakpoint
CREATE UNIQUE INDEX `bulletin_year_seq_idx` ON `bulletin` (`year`,`seq`);--> statement-breakpoint
INSERT INTO `audit_head` (`id`, `hash`) VALUES (1, coalesce((SELECT `hash` FROM `audit_log` ORDER BY `id` DESC LIMIT 1), '0000000000000000000000000000000000000000000000000000000000000000'));
