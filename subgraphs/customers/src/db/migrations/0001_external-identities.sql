-- People who sign in with an external OpenID Connect provider: its (issuer, subject) pair, per realm, names
-- the account. The pair is stable where an email is not (a provider lets people change it).
CREATE TABLE "customers"."external_identities" (
  "issuer" text NOT NULL,
  "subject" text NOT NULL,
  "realm" text NOT NULL,
  "account_id" text NOT NULL REFERENCES "customers"."accounts"("id"),
  "created_at" timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY ("issuer", "subject", "realm")
);
