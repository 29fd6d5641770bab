DROP INDEX `bulletin_year_seq_idx`;--> statement-breakpoint
ALTER TABLE `bulletin` ADD `issuer_unit_id` integer REFERENCES unit(id);--> statement-breakpoint
CREATE UNIQUE INDEX `bulletin_issuer_year_seq_idx` ON `bulletin` (`issuer_unit_id`,`year`,`seq`) WHERE "bulletin"."issuer_unit_id" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX `bulletin_year_seq_idx` ON `bulletin` (`year`,`seq`) WHERE "bulletin"."issuer_unit_id" is null;