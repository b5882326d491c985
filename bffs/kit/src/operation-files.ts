import { readFileSync } from 'node:fs';

/** The BFFs whose callers have accounts: they also serve account-operations.graphql (start-channel-bff's `accounts`). */
export const ACCOUNT_BFFS: ReadonlySet<string> = new Set(['b2c', 'b2b']);
/** The BFFs that sell (carts, checkout, orders): they serve shared-operations.graphql; the admin BFF does not. */
export const SELLING_BFFS: ReadonlySet<string> = new Set(['b2c', 'b2b', 'pos']);

const kitFile = (name: string) => readFileSync(new URL(`./${name}`, import.meta.url), 'utf8');

/**
 * Every operation a BFF allows, as one GraphQL text: its own file, the shared operations and, where its callers
 * have accounts, the account operations. What the BFF loads at start-up, and what codegen, the contract test and
 * the operation walks read, so none of them can disagree about a BFF's list.
 */
export function allowListText(bff: string): string {
  const own = readFileSync(new URL(`../../${bff}/src/operations.graphql`, import.meta.url), 'utf8');
  return [own, SELLING_BFFS.has(bff) ? kitFile('shared-operations.graphql') : '', ACCOUNT_BFFS.has(bff) ? kitFile('account-operations.graphql') : ''].join(
    '\n',
  );
}

/** The subscriptions every BFF serves itself over graphql-ws (not part of the gateway's allow-list or codegen). */
export function liveOperationsText(): string {
  return kitFile('live-operations.graphql');
}
