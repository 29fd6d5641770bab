DROP INDEX "urge_notice_year_seq_idx";--> statement-breakpoint
ALTER TABLE "urge_notice" ADD COLUMN "issuer_unit_id" integer;--> statement-breakpoint
ALTER TABLE "urge_notice" ADD CONSTRAINT "urge_notice_issuer_unit_id_unit_id_fk" FOREIGN KEY ("issuer_unit_id") REFERENCES "public"."unit"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "urge_notice_issuer_year_seq_idx" ON "urge_notice" USING btree ("issuer_unit_id","year","seq") WHERE "urge_notice"."issuer_unit_id" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "urge_notice_year_seq_idx" ON "urge_notice" USING btree ("year","seq") WHERE "urge_notice"."issuer_unit_id" is null;