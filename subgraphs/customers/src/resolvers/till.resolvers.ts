import type { CustomersContext } from '../context.ts';
import { registerTill, registerTillStaff, revokeTill, tillsOfChannel } from '../services/till-registry.service.ts';
import { approveTillDiscount } from '../services/till-discount-approval.service.ts';
import { updateTillStaff, type UpdateTillStaffInput } from '../services/till-staff.service.ts';
import { tillStaffOfChannel } from '../services/till-staff-list.service.ts';
import { changeMyTillPin, resetTillStaffPin } from '../services/till-staff-pin.service.ts';
import { tillSaleCustomers } from '../services/till-sale-customer.service.ts';
import { issueTillCustomerTicket } from '../services/till-customer-ticket.service.ts';
import { tillSessionFacts, tillSignIn, tillSignOut } from '../services/till-sign-in.service.ts';

type Ctx = CustomersContext;

/** POS tills and shop staff: registration by staff, PIN sign-in on a till, the POS BFF's session lookup. */
export const tillResolvers = {
  Query: {
    tillSession: (_: unknown, a: { tillId: string; sessionId: string }, ctx: Ctx) => tillSessionFacts(ctx, a.tillId, a.sessionId),
    tillSaleCustomers: (_: unknown, a: { ids: string[] }, ctx: Ctx) => tillSaleCustomers(ctx, a.ids),
    tills: (_: unknown, a: { channel: string }, ctx: Ctx) => tillsOfChannel(ctx, a.channel),
    tillStaff: (_: unknown, a: { channel: string } & Parameters<typeof tillStaffOfChannel>[2], ctx: Ctx) => tillStaffOfChannel(ctx, a.channel, a),
  },
  Mutation: {
    registerTill: (_: unknown, a: { input: Parameters<typeof registerTill>[1] }, ctx: Ctx) => registerTill(ctx, a.input),
    registerTillStaff: (_: unknown, a: { input: Parameters<typeof registerTillStaff>[1] }, ctx: Ctx) => registerTillStaff(ctx, a.input),
    updateTillStaff: (_: unknown, a: { input: UpdateTillStaffInput }, ctx: Ctx) => updateTillStaff(ctx, a.input),
    resetTillStaffPin: (_: unknown, a: { input: Parameters<typeof resetTillStaffPin>[1] }, ctx: Ctx) => resetTillStaffPin(ctx, a.input),
    changeMyTillPin: (_: unknown, a: { input: Parameters<typeof changeMyTillPin>[1] }, ctx: Ctx) => changeMyTillPin(ctx, a.input),
    revokeTill: (_: unknown, a: { id: string }, ctx: Ctx) => revokeTill(ctx, a.id),
    tillSignIn: (_: unknown, a: { input: Parameters<typeof tillSignIn>[1] }, ctx: Ctx) => tillSignIn(ctx, a.input),
    tillSignOut: (_: unknown, __: unknown, ctx: Ctx) => tillSignOut(ctx),
    approveTillDiscount: (_: unknown, a: { input: Parameters<typeof approveTillDiscount>[1] }, ctx: Ctx) => approveTillDiscount(ctx, a.input),
    tillCustomerTicket: (_: unknown, __: unknown, ctx: Ctx) => issueTillCustomerTicket(ctx),
  },
  TillStaffMember: {
    lastSignInAt: async (m: { id: string }, _: unknown, ctx: Ctx) => (await ctx.loaders.tillLastSignIn.load(m.id))?.toISOString() ?? null,
  },
};
