-- The plain token of a mail link, for the mailer only: events carry its id, never the secret, so no event
-- consumer (webhooks, the event bus) can reset a password. Gone when the token is used or the account erased.
CREATE TABLE "customers"."mail_secrets" (
  "token_id" uuid PRIMARY KEY REFERENCES "customers"."account_tokens"("id") ON DELETE CASCADE,
  "token" text NOT NULL,
  "created_at" timestamptz NOT NULL DEFAULT now()
);
