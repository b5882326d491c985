-- A channel's till staff list shows each member's last sign-in: max(created_at) per member from this index's end,
-- not from every sign-in the member ever made (a cashier signs in a few times a day, for years).
CREATE INDEX "till_sign_ins_staff_recent_idx" ON "customers"."till_sign_ins" ("till_staff_id", "created_at");
