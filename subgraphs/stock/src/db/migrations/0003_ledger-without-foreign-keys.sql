-- The append-only ledger tables lose their foreign keys. Each inserted row ran a check that took a
-- FOR KEY SHARE lock on its location (or reservation) row; every concurrent reservation locks the same few
-- location rows, so each lock made a new MultiXact, and the check on reservations planned a sequential
-- scan while the table was young. With 0004's function and 8 connections calling stock.reserve for 3
-- lines: 2.0 -> 1.3 ms of PostgreSQL CPU per reservation. The references still hold by construction:
-- movements and reservation allocations copy (variant, location) from a level row the writer holds
-- locked (levels keep their foreign key to locations), and allocations are written only for the
-- reservation row inserted in the same call; nothing deletes reservations that have allocations.
ALTER TABLE "stock"."movements" DROP CONSTRAINT "movements_location_id_locations_id_fk";
--> statement-breakpoint
ALTER TABLE "stock"."reservation_allocations" DROP CONSTRAINT "reservation_allocations_reservation_id_reservations_id_fk";
--> statement-breakpoint
ALTER TABLE "stock"."reservation_allocations" DROP CONSTRAINT "reservation_allocations_location_id_locations_id_fk";
