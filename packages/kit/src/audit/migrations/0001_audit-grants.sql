-- The caller's grants as signed ([{permissions, channels, locations?}]): staff_roles and staff_channels are their
-- union, which loses which permission was held where and drops locations. Null on rows written before (or by a
-- previous release's subgraph during a rolling deploy).
ALTER TABLE "audit"."entries" ADD COLUMN "staff_grants" jsonb;
