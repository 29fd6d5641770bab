CREATE TABLE "alert" (
	"id" serial PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"light" text NOT NULL,
	"indicator_id" integer,
	"unit_id" integer,
	"period" text,
	"open_key" text,
	"since" text NOT NULL,
	"resolved_on" text,
	"params" json NOT NULL,
	CONSTRAINT "alert_open_key_unique" UNIQUE("open_key")
);
--> statement-breakpoint
CREATE TABLE "alert_event" (
	"id" serial PRIMARY KEY NOT NULL,
	"alert_id" integer NOT NULL,
	"on" text NOT NULL,
	"event" text NOT NULL,
	"cause" json NOT NULL
);
--> statement-breakpoint
CREATE TABLE "assignment" (
	"id" serial PRIMARY KEY NOT NULL,
	"indicator_id" integer NOT NULL,
	"unit_id" integer NOT NULL,
	"role" text NOT NULL,
	"via_group_id" integer,
	"due_on" text,
	"position" integer NOT NULL,
	"completed_on" text
);
--> statement-breakpoint
CREATE TABLE "attachment" (
	"id" serial PRIMARY KEY NOT NULL,
	"stored_name" text NOT NULL,
	"original_name" text NOT NULL,
	"content_type" text NOT NULL,
	"size" integer NOT NULL,
	"sha256" text NOT NULL,
	"unit_id" integer,
	"owner_type" text,
	"owner_id" integer,
	"created_at" bigint DEFAULT ((extract(epoch from now()) * 1000)::bigint) NOT NULL,
	"created_by" integer,
	CONSTRAINT "attachment_stored_name_unique" UNIQUE("stored_name")
);
--> statement-breakpoint
CREATE TABLE "audit_archive_gate" (
	"id" integer PRIMARY KEY NOT NULL
);
--> statement-breakpoint
CREATE TABLE "audit_log" (
	"id" serial PRIMARY KEY NOT NULL,
	"at" bigint DEFAULT ((extract(epoch from now()) * 1000)::bigint) NOT NULL,
	"user_id" integer,
	"username" text,
	"unit_id" integer,
	"action" text NOT NULL,
	"object_type" text,
	"object_id" text,
	"result" text NOT NULL,
	"ip" text,
	"before" json,
	"after" json,
	"prev_hash" text NOT NULL,
	"hash" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "bulletin" (
	"id" serial PRIMARY KEY NOT NULL,
	"period" text NOT NULL,
	"week" text,
	"year" integer NOT NULL,
	"seq" integer,
	"status" text DEFAULT 'draft' NOT NULL,
	"title" text NOT NULL,
	"content" json NOT NULL,
	"created_at" bigint NOT NULL,
	"created_by" integer,
	"published_at" bigint,
	"published_by" integer
);
--> statement-breakpoint
CREATE TABLE "due_date_change" (
	"id" serial PRIMARY KEY NOT NULL,
	"indicator_id" integer NOT NULL,
	"unit_id" integer,
	"from_due_on" text,
	"to_due_on" text NOT NULL,
	"request_id" integer,
	"reason" text NOT NULL,
	"at" bigint NOT NULL,
	"by" integer
);
--> statement-breakpoint
CREATE TABLE "holiday" (
	"day" text PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"name" text NOT NULL,
	"updated_by" integer
);
--> statement-breakpoint
CREATE TABLE "import_layout" (
	"signature" text PRIMARY KEY NOT NULL,
	"mapping" json NOT NULL,
	"updated_by" integer,
	"created_at" bigint DEFAULT ((extract(epoch from now()) * 1000)::bigint) NOT NULL
);
--> statement-breakpoint
CREATE TABLE "import_request" (
	"id" serial PRIMARY KEY NOT NULL,
	"user_id" integer NOT NULL,
	"key" text NOT NULL,
	"digest" text NOT NULL,
	"response" json NOT NULL,
	"created_at" bigint DEFAULT ((extract(epoch from now()) * 1000)::bigint) NOT NULL
);
--> statement-breakpoint
CREATE TABLE "indicator" (
	"id" serial PRIMARY KEY NOT NULL,
	"plan_id" integer NOT NULL,
	"task_id" integer NOT NULL,
	"text" text NOT NULL,
	"position" integer NOT NULL,
	"deadline_text" text NOT NULL,
	"due_on" text,
	"original_due_on" text,
	"recurrence" text,
	"deadline_rule" json,
	"units_text" text NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"completed_on" text,
	"kind" text DEFAULT 'joint' NOT NULL,
	"created_at" bigint DEFAULT ((extract(epoch from now()) * 1000)::bigint) NOT NULL
);
--> statement-breakpoint
CREATE TABLE "indicator_event" (
	"id" serial PRIMARY KEY NOT NULL,
	"indicator_id" integer NOT NULL,
	"unit_id" integer,
	"occurred_on" text NOT NULL,
	"due_on" text NOT NULL,
	"recorded_by" integer,
	"created_at" bigint DEFAULT ((extract(epoch from now()) * 1000)::bigint) NOT NULL
);
--> statement-breakpoint
CREATE TABLE "indicator_target" (
	"id" serial PRIMARY KEY NOT NULL,
	"indicator_id" integer NOT NULL,
	"label" text NOT NULL,
	"op" text NOT NULL,
	"value" double precision NOT NULL,
	"scale" integer DEFAULT 0 NOT NULL,
	"value_max" double precision,
	"unit" text NOT NULL,
	"relative" text,
	"baseline" double precision,
	"aggregation" text DEFAULT 'sum' NOT NULL,
	"source_text" text NOT NULL,
	"position" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "job_lease" (
	"name" text PRIMARY KEY NOT NULL,
	"holder" text NOT NULL,
	"expires_at" bigint NOT NULL,
	"acquired_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "job_run" (
	"id" serial PRIMARY KEY NOT NULL,
	"job" text NOT NULL,
	"day" text NOT NULL,
	"scheduled_at" bigint NOT NULL,
	"started_at" bigint NOT NULL,
	"finished_at" bigint,
	"outcome" text NOT NULL,
	"counts" json,
	"error" text
);
--> statement-breakpoint
CREATE TABLE "notice_answer" (
	"id" serial PRIMARY KEY NOT NULL,
	"notice_id" integer NOT NULL,
	"text" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"created_at" bigint NOT NULL,
	"created_by" integer,
	"decided_at" bigint,
	"decided_by" integer,
	"decision_note" text
);
--> statement-breakpoint
CREATE TABLE "notification" (
	"id" serial PRIMARY KEY NOT NULL,
	"user_id" integer NOT NULL,
	"dedupe_key" text NOT NULL,
	"title" text NOT NULL,
	"body" text NOT NULL,
	"message" json,
	"link" text,
	"light" text,
	"topic" text,
	"created_at" bigint NOT NULL,
	"read_at" bigint,
	"withdrawn_at" bigint,
	CONSTRAINT "notification_dedupe_key_unique" UNIQUE("dedupe_key")
);
--> statement-breakpoint
CREATE TABLE "outbox" (
	"id" serial PRIMARY KEY NOT NULL,
	"dedupe_key" text NOT NULL,
	"recipient" text NOT NULL,
	"subject" text NOT NULL,
	"text" text NOT NULL,
	"html" text NOT NULL,
	"message_id" text NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" bigint NOT NULL,
	"last_error" text,
	"created_at" bigint NOT NULL,
	"sent_at" bigint,
	CONSTRAINT "outbox_dedupe_key_unique" UNIQUE("dedupe_key")
);
--> statement-breakpoint
CREATE TABLE "pending_group" (
	"id" serial PRIMARY KEY NOT NULL,
	"indicator_id" integer NOT NULL,
	"group_id" integer NOT NULL,
	"role" text NOT NULL,
	"resolved_at" bigint,
	"resolved_by" integer
);
--> statement-breakpoint
CREATE TABLE "plan" (
	"id" serial PRIMARY KEY NOT NULL,
	"title" text NOT NULL,
	"year" integer NOT NULL,
	"doc_number" text,
	"issuer" text,
	"issued_on" text,
	"created_at" bigint DEFAULT ((extract(epoch from now()) * 1000)::bigint) NOT NULL
);
--> statement-breakpoint
CREATE TABLE "report" (
	"id" serial PRIMARY KEY NOT NULL,
	"unit_id" integer NOT NULL,
	"period" text NOT NULL,
	"status" text DEFAULT 'draft' NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"revision" integer DEFAULT 0 NOT NULL,
	"due_on" text NOT NULL,
	"first_submitted_at" bigint,
	"submitted_at" bigint,
	"late" boolean,
	"reviewed_at" bigint,
	"reviewed_by" integer,
	"return_reason" text,
	"accept_comment" text,
	"updated_at" bigint NOT NULL,
	"updated_by" integer,
	"created_at" bigint DEFAULT ((extract(epoch from now()) * 1000)::bigint) NOT NULL
);
--> statement-breakpoint
CREATE TABLE "report_item" (
	"id" serial PRIMARY KEY NOT NULL,
	"report_id" integer NOT NULL,
	"indicator_id" integer NOT NULL,
	"role" text NOT NULL,
	"progress_status" text,
	"percent" integer,
	"progress" text DEFAULT '' NOT NULL,
	"problems" text DEFAULT '' NOT NULL,
	"next_steps" text DEFAULT '' NOT NULL,
	"return_reason" text,
	"accept_comment" text
);
--> statement-breakpoint
CREATE TABLE "report_item_value" (
	"item_id" integer NOT NULL,
	"target_id" integer NOT NULL,
	"value" double precision NOT NULL
);
--> statement-breakpoint
CREATE TABLE "report_version" (
	"id" serial PRIMARY KEY NOT NULL,
	"report_id" integer NOT NULL,
	"version" integer NOT NULL,
	"action" text NOT NULL,
	"status" text NOT NULL,
	"snapshot" json NOT NULL,
	"at" bigint NOT NULL,
	"by" integer
);
--> statement-breakpoint
CREATE TABLE "request" (
	"id" serial PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"indicator_id" integer NOT NULL,
	"unit_id" integer NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"statement" text NOT NULL,
	"new_due_on" text,
	"late" boolean DEFAULT false NOT NULL,
	"created_at" bigint DEFAULT ((extract(epoch from now()) * 1000)::bigint) NOT NULL,
	"created_by" integer,
	"decided_at" bigint,
	"decided_by" integer,
	"decision_note" text
);
--> statement-breakpoint
CREATE TABLE "score_adjustment" (
	"id" serial PRIMARY KEY NOT NULL,
	"period" text NOT NULL,
	"unit_id" integer NOT NULL,
	"points" double precision NOT NULL,
	"reason" text NOT NULL,
	"created_at" bigint NOT NULL,
	"created_by" integer
);
--> statement-breakpoint
CREATE TABLE "section" (
	"id" serial PRIMARY KEY NOT NULL,
	"plan_id" integer NOT NULL,
	"parent_id" integer,
	"level" integer NOT NULL,
	"name" text NOT NULL,
	"position" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "session" (
	"id" text PRIMARY KEY NOT NULL,
	"user_id" integer NOT NULL,
	"expires_at" bigint NOT NULL,
	"last_seen_at" bigint NOT NULL,
	"ip" text,
	"user_agent" text,
	"created_at" bigint DEFAULT ((extract(epoch from now()) * 1000)::bigint) NOT NULL
);
--> statement-breakpoint
CREATE TABLE "setting" (
	"key" text PRIMARY KEY NOT NULL,
	"value" json NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "task" (
	"id" serial PRIMARY KEY NOT NULL,
	"plan_id" integer NOT NULL,
	"section_id" integer,
	"title" text NOT NULL,
	"position" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "unit" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"contact_email" text,
	"position" integer DEFAULT 0 NOT NULL,
	"created_at" bigint DEFAULT ((extract(epoch from now()) * 1000)::bigint) NOT NULL,
	CONSTRAINT "unit_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "unit_group" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	CONSTRAINT "unit_group_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "unit_group_member" (
	"group_id" integer NOT NULL,
	"unit_id" integer NOT NULL,
	CONSTRAINT "unit_group_member_group_id_unit_id_pk" PRIMARY KEY("group_id","unit_id")
);
--> statement-breakpoint
CREATE TABLE "unit_news" (
	"id" serial PRIMARY KEY NOT NULL,
	"unit_id" integer NOT NULL,
	"dedupe_key" text NOT NULL,
	"title" text NOT NULL,
	"body" text NOT NULL,
	"link" text NOT NULL,
	"light" text,
	"created_at" bigint NOT NULL,
	"mailed_on" text,
	CONSTRAINT "unit_news_dedupe_key_unique" UNIQUE("dedupe_key")
);
--> statement-breakpoint
CREATE TABLE "urge_notice" (
	"id" serial PRIMARY KEY NOT NULL,
	"year" integer NOT NULL,
	"seq" integer NOT NULL,
	"unit_id" integer NOT NULL,
	"level" text NOT NULL,
	"message" text NOT NULL,
	"issued_on" text NOT NULL,
	"issued_at" bigint NOT NULL,
	"issued_by" integer,
	"acknowledged_at" bigint,
	"acknowledged_by" integer,
	"answer_due_on" text,
	"closed_at" bigint,
	"bulletin_id" integer
);
--> statement-breakpoint
CREATE TABLE "urge_notice_indicator" (
	"notice_id" integer NOT NULL,
	"indicator_id" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "user" (
	"id" serial PRIMARY KEY NOT NULL,
	"username" text NOT NULL,
	"name" text NOT NULL,
	"email" text,
	"role" text NOT NULL,
	"kind" text DEFAULT 'business' NOT NULL,
	"unit_id" integer,
	"password_hash" text NOT NULL,
	"disabled" boolean DEFAULT false NOT NULL,
	"email_opt_out" boolean DEFAULT false NOT NULL,
	"must_change_password" boolean DEFAULT false NOT NULL,
	"password_changed_at" bigint,
	"totp_secret" text,
	"totp_enabled_at" bigint,
	"totp_last_step" integer,
	"created_at" bigint DEFAULT ((extract(epoch from now()) * 1000)::bigint) NOT NULL,
	CONSTRAINT "user_username_unique" UNIQUE("username")
);
--> statement-breakpoint
ALTER TABLE "alert" ADD CONSTRAINT "alert_indicator_id_indicator_id_fk" FOREIGN KEY ("indicator_id") REFERENCES "public"."indicator"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alert" ADD CONSTRAINT "alert_unit_id_unit_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."unit"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alert_event" ADD CONSTRAINT "alert_event_alert_id_alert_id_fk" FOREIGN KEY ("alert_id") REFERENCES "public"."alert"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assignment" ADD CONSTRAINT "assignment_indicator_id_indicator_id_fk" FOREIGN KEY ("indicator_id") REFERENCES "public"."indicator"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assignment" ADD CONSTRAINT "assignment_unit_id_unit_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."unit"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assignment" ADD CONSTRAINT "assignment_via_group_id_unit_group_id_fk" FOREIGN KEY ("via_group_id") REFERENCES "public"."unit_group"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "attachment" ADD CONSTRAINT "attachment_unit_id_unit_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."unit"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "attachment" ADD CONSTRAINT "attachment_created_by_user_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "due_date_change" ADD CONSTRAINT "due_date_change_indicator_id_indicator_id_fk" FOREIGN KEY ("indicator_id") REFERENCES "public"."indicator"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "due_date_change" ADD CONSTRAINT "due_date_change_unit_id_unit_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."unit"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "due_date_change" ADD CONSTRAINT "due_date_change_request_id_request_id_fk" FOREIGN KEY ("request_id") REFERENCES "public"."request"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "due_date_change" ADD CONSTRAINT "due_date_change_by_user_id_fk" FOREIGN KEY ("by") REFERENCES "public"."user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "holiday" ADD CONSTRAINT "holiday_updated_by_user_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "import_layout" ADD CONSTRAINT "import_layout_updated_by_user_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "import_request" ADD CONSTRAINT "import_request_user_id_user_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "indicator" ADD CONSTRAINT "indicator_plan_id_plan_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."plan"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "indicator" ADD CONSTRAINT "indicator_task_id_task_id_fk" FOREIGN KEY ("task_id") REFERENCES "public"."task"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "indicator_event" ADD CONSTRAINT "indicator_event_indicator_id_indicator_id_fk" FOREIGN KEY ("indicator_id") REFERENCES "public"."indicator"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "indicator_event" ADD CONSTRAINT "indicator_event_unit_id_unit_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."unit"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "indicator_event" ADD CONSTRAINT "indicator_event_recorded_by_user_id_fk" FOREIGN KEY ("recorded_by") REFERENCES "public"."user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "indicator_target" ADD CONSTRAINT "indicator_target_indicator_id_indicator_id_fk" FOREIGN KEY ("indicator_id") REFERENCES "public"."indicator"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notice_answer" ADD CONSTRAINT "notice_answer_notice_id_urge_notice_id_fk" FOREIGN KEY ("notice_id") REFERENCES "public"."urge_notice"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notice_answer" ADD CONSTRAINT "notice_answer_created_by_user_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notice_answer" ADD CONSTRAINT "notice_answer_decided_by_user_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notification" ADD CONSTRAINT "notification_user_id_user_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."user"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pending_group" ADD CONSTRAINT "pending_group_indicator_id_indicator_id_fk" FOREIGN KEY ("indicator_id") REFERENCES "public"."indicator"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pending_group" ADD CONSTRAINT "pending_group_group_id_unit_group_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."unit_group"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pending_group" ADD CONSTRAINT "pending_group_resolved_by_user_id_fk" FOREIGN KEY ("resolved_by") REFERENCES "public"."user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report" ADD CONSTRAINT "report_unit_id_unit_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."unit"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report" ADD CONSTRAINT "report_reviewed_by_user_id_fk" FOREIGN KEY ("reviewed_by") REFERENCES "public"."user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report" ADD CONSTRAINT "report_updated_by_user_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_item" ADD CONSTRAINT "report_item_report_id_report_id_fk" FOREIGN KEY ("report_id") REFERENCES "public"."report"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_item" ADD CONSTRAINT "report_item_indicator_id_indicator_id_fk" FOREIGN KEY ("indicator_id") REFERENCES "public"."indicator"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_item_value" ADD CONSTRAINT "report_item_value_item_id_report_item_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."report_item"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_item_value" ADD CONSTRAINT "report_item_value_target_id_indicator_target_id_fk" FOREIGN KEY ("target_id") REFERENCES "public"."indicator_target"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_version" ADD CONSTRAINT "report_version_report_id_report_id_fk" FOREIGN KEY ("report_id") REFERENCES "public"."report"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_version" ADD CONSTRAINT "report_version_by_user_id_fk" FOREIGN KEY ("by") REFERENCES "public"."user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "request" ADD CONSTRAINT "request_indicator_id_indicator_id_fk" FOREIGN KEY ("indicator_id") REFERENCES "public"."indicator"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "request" ADD CONSTRAINT "request_unit_id_unit_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."unit"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "request" ADD CONSTRAINT "request_created_by_user_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "request" ADD CONSTRAINT "request_decided_by_user_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "score_adjustment" ADD CONSTRAINT "score_adjustment_unit_id_unit_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."unit"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "score_adjustment" ADD CONSTRAINT "score_adjustment_created_by_user_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "section" ADD CONSTRAINT "section_plan_id_plan_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."plan"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "section" ADD CONSTRAINT "section_parent_id_section_id_fk" FOREIGN KEY ("parent_id") REFERENCES "public"."section"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "session" ADD CONSTRAINT "session_user_id_user_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."user"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "task" ADD CONSTRAINT "task_plan_id_plan_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."plan"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "task" ADD CONSTRAINT "task_section_id_section_id_fk" FOREIGN KEY ("section_id") REFERENCES "public"."section"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "unit_group_member" ADD CONSTRAINT "unit_group_member_group_id_unit_group_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."unit_group"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "unit_group_member" ADD CONSTRAINT "unit_group_member_unit_id_unit_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."unit"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "unit_news" ADD CONSTRAINT "unit_news_unit_id_unit_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."unit"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "urge_notice" ADD CONSTRAINT "urge_notice_unit_id_unit_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."unit"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "urge_notice" ADD CONSTRAINT "urge_notice_issued_by_user_id_fk" FOREIGN KEY ("issued_by") REFERENCES "public"."user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "urge_notice" ADD CONSTRAINT "urge_notice_acknowledged_by_user_id_fk" FOREIGN KEY ("acknowledged_by") REFERENCES "public"."user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "urge_notice" ADD CONSTRAINT "urge_notice_bulletin_id_bulletin_id_fk" FOREIGN KEY ("bulletin_id") REFERENCES "public"."bulletin"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "urge_notice_indicator" ADD CONSTRAINT "urge_notice_indicator_notice_id_urge_notice_id_fk" FOREIGN KEY ("notice_id") REFERENCES "public"."urge_notice"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "urge_notice_indicator" ADD CONSTRAINT "urge_notice_indicator_indicator_id_indicator_id_fk" FOREIGN KEY ("indicator_id") REFERENCES "public"."indicator"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "user" ADD CONSTRAINT "user_unit_id_unit_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."unit"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "alert_indicator_idx" ON "alert" USING btree ("indicator_id");--> statement-breakpoint
CREATE INDEX "alert_unit_idx" ON "alert" USING btree ("unit_id","resolved_on");--> statement-breakpoint
CREATE INDEX "alert_day_idx" ON "alert" USING btree ("since","resolved_on");--> statement-breakpoint
CREATE INDEX "alert_event_alert_idx" ON "alert_event" USING btree ("alert_id");--> statement-breakpoint
CREATE UNIQUE INDEX "assignment_indicator_unit_uq" ON "assignment" USING btree ("indicator_id","unit_id");--> statement-breakpoint
CREATE INDEX "assignment_unit_idx" ON "assignment" USING btree ("unit_id","indicator_id");--> statement-breakpoint
CREATE INDEX "attachment_owner_idx" ON "attachment" USING btree ("owner_type","owner_id");--> statement-breakpoint
CREATE INDEX "audit_log_at_idx" ON "audit_log" USING btree ("at");--> statement-breakpoint
CREATE INDEX "audit_log_user_idx" ON "audit_log" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "audit_log_ip_idx" ON "audit_log" USING btree ("ip","action","at");--> statement-breakpoint
CREATE INDEX "audit_log_username_idx" ON "audit_log" USING btree ("username","action","at");--> statement-breakpoint
CREATE INDEX "due_date_change_indicator_idx" ON "due_date_change" USING btree ("indicator_id");--> statement-breakpoint
CREATE UNIQUE INDEX "import_request_user_key_uq" ON "import_request" USING btree ("user_id","key");--> statement-breakpoint
CREATE UNIQUE INDEX "indicator_task_text_uq" ON "indicator" USING btree ("task_id","text");--> statement-breakpoint
CREATE INDEX "indicator_plan_due_idx" ON "indicator" USING btree ("plan_id","due_on");--> statement-breakpoint
CREATE INDEX "indicator_event_indicator_idx" ON "indicator_event" USING btree ("indicator_id");--> statement-breakpoint
CREATE INDEX "indicator_target_indicator_idx" ON "indicator_target" USING btree ("indicator_id");--> statement-breakpoint
CREATE INDEX "job_run_job_day_idx" ON "job_run" USING btree ("job","day");--> statement-breakpoint
CREATE INDEX "notice_answer_notice_idx" ON "notice_answer" USING btree ("notice_id");--> statement-breakpoint
CREATE INDEX "notification_user_idx" ON "notification" USING btree ("user_id","read_at");--> statement-breakpoint
CREATE INDEX "notification_topic_idx" ON "notification" USING btree ("topic");--> statement-breakpoint
CREATE INDEX "outbox_status_next_idx" ON "outbox" USING btree ("status","next_attempt_at");--> statement-breakpoint
CREATE UNIQUE INDEX "pending_group_indicator_group_uq" ON "pending_group" USING btree ("indicator_id","group_id");--> statement-breakpoint
CREATE UNIQUE INDEX "report_unit_period_uq" ON "report" USING btree ("unit_id","period");--> statement-breakpoint
CREATE INDEX "report_period_status_idx" ON "report" USING btree ("period","status");--> statement-breakpoint
CREATE UNIQUE INDEX "report_item_report_indicator_uq" ON "report_item" USING btree ("report_id","indicator_id");--> statement-breakpoint
CREATE INDEX "report_item_indicator_idx" ON "report_item" USING btree ("indicator_id");--> statement-breakpoint
CREATE UNIQUE INDEX "report_item_value_uq" ON "report_item_value" USING btree ("item_id","target_id");--> statement-breakpoint
CREATE UNIQUE INDEX "report_version_uq" ON "report_version" USING btree ("report_id","version","action");--> statement-breakpoint
CREATE UNIQUE INDEX "report_version_draft_uq" ON "report_version" USING btree ("report_id") WHERE "report_version"."action" = 'save';--> statement-breakpoint
CREATE INDEX "request_status_idx" ON "request" USING btree ("status","kind");--> statement-breakpoint
CREATE INDEX "request_indicator_idx" ON "request" USING btree ("indicator_id");--> statement-breakpoint
CREATE INDEX "score_adjustment_period_idx" ON "score_adjustment" USING btree ("period","unit_id");--> statement-breakpoint
CREATE INDEX "section_plan_idx" ON "section" USING btree ("plan_id","position");--> statement-breakpoint
CREATE INDEX "session_user_idx" ON "session" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "task_plan_idx" ON "task" USING btree ("plan_id","position");--> statement-breakpoint
CREATE INDEX "unit_group_member_unit_idx" ON "unit_group_member" USING btree ("unit_id");--> statement-breakpoint
CREATE INDEX "unit_news_unit_mailed_idx" ON "unit_news" USING btree ("unit_id","mailed_on");--> statement-breakpoint
CREATE INDEX "urge_notice_unit_idx" ON "urge_notice" USING btree ("unit_id");--> statement-breakpoint
CREATE INDEX "urge_notice_year_seq_idx" ON "urge_notice" USING btree ("year","seq");--> statement-breakpoint
CREATE INDEX "urge_notice_indicator_idx" ON "urge_notice_indicator" USING btree ("indicator_id");