DROP INDEX `urge_notice_year_seq_idx`;--> statement-breakpoint
ALTER TABLE `urge_notice` ADD `issuer_unit_id` integer REFERENCES unit(id);--> statement-breakpoint
CREATE UNIQUE INDEX `urge_notice_issuer_year_seq_idx` ON `urge_notice` (`issuer_unit_id`,`year`,`seq`) WHERE "urge_notice"."issuer_unit_id" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX `urge_notice_year_seq_idx` ON `urge_notice` (`year`,`seq`) WHERE "urge_notice"."issuer_unit_id" is null;