DROP INDEX "bulletin_year_seq_idx";--> statement-breakpoint
ALTER TABLE "bulletin" ADD COLUMN "issuer_unit_id" integer;--> statement-breakpoint
ALTER TABLE "bulletin" ADD CONSTRAINT "bulletin_issuer_unit_id_unit_id_fk" FOREIGN KEY ("issuer_unit_id") REFERENCES "public"."unit"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "bulletin_issuer_year_seq_idx" ON "bulletin" USING btree ("issuer_unit_id","year","seq") WHERE "bulletin"."issuer_unit_id" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "bulletin_year_seq_idx" ON "bulletin" USING btree ("year","seq") WHERE "bulletin"."issuer_unit_id" is null;