import type { CustomersContext } from '../context.ts';
import { registerTill, registerTillStaff, revokeTill, tillsOfChannel } from '../services/till-registry.service.ts';
import { approveTillDiscount } from '../services/till-discount-approval.service.ts';
import { updateTillStaff, type UpdateTillStaffInput } from '../services/till-staff.service.ts';
import { tillSessionFacts, tillSignIn, tillSignOut } from '../services/till-sign-in.service.ts';

type Ctx = CustomersContext;

/** POS tills and shop staff: registration by staff, PIN sign-in on a till, the POS BFF's session lookup. */
export const tillResolvers = {
  Query: {
    tillSession: (_: unknown, a: { tillId: string; sessionId: string }, ctx: Ctx) => tillSessionFacts(ctx, a.tillId, a.sessionId),
    tills: (_: unknown, a: { channel: string }, ctx: Ctx) => tillsOfChannel(ctx, a.channel),
  },
  Mutation: {
    registerTill: (_: unknown, a: { input: Parameters<typeof registerTill>[1] }, ctx: Ctx) => registerTill(ctx, a.input),
    registerTillStaff: (_: unknown, a: { input: Parameters<typeof registerTillStaff>[1] }, ctx: Ctx) => registerTillStaff(ctx, a.input),
    updateTillStaff: (_: unknown, a: { input: UpdateTillStaffInput }, ctx: Ctx) => updateTillStaff(ctx, a.input),
    revokeTill: (_: unknown, a: { id: string }, ctx: Ctx) => revokeTill(ctx, a.id),
    tillSignIn: (_: unknown, a: { input: Parameters<typeof tillSignIn>[1] }, ctx: Ctx) => tillSignIn(ctx, a.input),
    tillSignOut: (_: unknown, __: unknown, ctx: Ctx) => tillSignOut(ctx),
    approveTillDiscount: (_: unknown, a: { input: Parameters<typeof approveTillDiscount>[1] }, ctx: Ctx) => approveTillDiscount(ctx, a.input),
  },
};
