CREATE TABLE `light_snapshot` (
	`day` text PRIMARY KEY NOT NULL,
	`data` blob NOT NULL
);
