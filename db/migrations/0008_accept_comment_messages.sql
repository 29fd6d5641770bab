ALTER TABLE `report` ADD `accept_comment` text;--> statement-breakpoint
ALTER TABLE `report_item` ADD `accept_comment` text;--> statement-breakpoint
ALTER TABLE `notification` ADD `message` text;