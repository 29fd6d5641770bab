CREATE TABLE `bulletin` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`period` text NOT NULL,
	`week` text,
	`year` integer NOT NULL,
	`seq` integer,
	`status` text DEFAULT 'draft' NOT NULL,
	`title` text NOT NULL,
	`content` text NOT NULL,
	`created_at` integer NOT NULL,
	`created_by` integer,
	`published_at` integer,
	`published_by` integer
);
--> statement-breakpoint
CREATE TABLE `unit_score` (
	`period` text NOT NULL,
	`unit_id` integer NOT NULL,
	`score` real NOT NULL,
	`rank` integer NOT NULL,
	`details` text NOT NULL,
	`computed_at` integer NOT NULL,
	PRIMARY KEY(`period`, `unit_id`),
	FOREIGN KEY (`unit_id`) REFERENCES `unit`(`id`) ON UPDATE no action ON DELETE no action
);
