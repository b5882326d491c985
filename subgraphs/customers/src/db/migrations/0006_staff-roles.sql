-- Roles are named sets of permissions; a grant gives one role to a staff member on channels, and for stock and tills
-- optionally only at some locations. The nine built-in roles (one permission each, named after it) cannot be edited
-- or deleted. A staff member's own roles × channels (staff_members) stay in force as their base grant.
CREATE TABLE "customers"."staff_roles" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"permissions" text[] NOT NULL,
	"built_in" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 1 NOT NULL
);--> statement-breakpoint
CREATE UNIQUE INDEX "staff_roles_name_idx" ON "customers"."staff_roles" (lower("name"));--> statement-breakpoint
INSERT INTO "customers"."staff_roles" ("id", "name", "permissions", "built_in")
SELECT p, p, ARRAY[p], true
FROM unnest(ARRAY['catalog-admin', 'pricing-admin', 'stock-admin', 'order-admin', 'customer-admin', 'webhook-admin', 'staff-admin', 'report-viewer', 'viewer']) AS p;--> statement-breakpoint
-- RESTRICT: a role still granted cannot disappear under its holders (deleteStaffRole answers StaffRoleInUse first).
CREATE TABLE "customers"."staff_grants" (
	"id" text PRIMARY KEY NOT NULL,
	"staff_id" text NOT NULL REFERENCES "customers"."staff_members"("id"),
	"role_id" text NOT NULL REFERENCES "customers"."staff_roles"("id") ON DELETE RESTRICT,
	"channels" text[] NOT NULL,
	-- NULL: the whole of each channel; else only these stock locations of them.
	"locations" text[],
	"granted_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);--> statement-breakpoint
CREATE INDEX "staff_grants_staff_idx" ON "customers"."staff_grants" ("staff_id");--> statement-breakpoint
CREATE INDEX "staff_grants_role_idx" ON "customers"."staff_grants" ("role_id");
