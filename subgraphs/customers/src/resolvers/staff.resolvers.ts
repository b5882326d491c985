import { eq } from 'drizzle-orm';
import type { CustomersContext } from '../context.ts';
import { staffMembers } from '../db/tables.ts';
import { auditTrail, type AuditFilter } from '../services/audit-trail.service.ts';
import {
  beginTotpEnrolment,
  confirmTotpEnrolment,
  createStaffMember,
  staffMe,
  staffMembersList,
  updateStaffMember,
} from '../services/staff-members.service.ts';
import { grantStaffRole, revokeStaffGrant } from '../services/staff-grants.service.ts';
import { createStaffRole, deleteStaffRole, staffRolesList, updateStaffRole } from '../services/staff-roles.service.ts';
import { refreshStaffSession, staffSessionFacts, staffSignIn, staffSignOut, staffView } from '../services/staff-session.service.ts';

type Ctx = CustomersContext;

/** Built-in staff accounts: sign-in for the admin BFF, TOTP, and staff management (staff-admin). */
export const staffResolvers = {
  Query: {
    staffMe: (_: unknown, __: unknown, ctx: Ctx) => staffMe(ctx),
    staffSession: (_: unknown, a: { staffId: string; sessionId: string }, ctx: Ctx) => staffSessionFacts(ctx, a.staffId, a.sessionId),
    staffMembers: (_: unknown, __: unknown, ctx: Ctx) => staffMembersList(ctx),
    staffRoles: (_: unknown, __: unknown, ctx: Ctx) => staffRolesList(ctx),
    auditTrail: (_: unknown, a: { filter?: AuditFilter | null; first: number; after?: string | null }, ctx: Ctx) => auditTrail(ctx, a.filter, a.first, a.after),
  },
  Mutation: {
    staffSignIn: (_: unknown, a: { input: Parameters<typeof staffSignIn>[1] }, ctx: Ctx) => staffSignIn(ctx, a.input),
    refreshStaffSession: (_: unknown, a: { refreshToken: string }, ctx: Ctx) => refreshStaffSession(ctx, a.refreshToken),
    staffSignOut: (_: unknown, __: unknown, ctx: Ctx) => staffSignOut(ctx),
    createStaffMember: (_: unknown, a: { input: Parameters<typeof createStaffMember>[1] }, ctx: Ctx) => createStaffMember(ctx, a.input),
    updateStaffMember: (_: unknown, a: { input: Parameters<typeof updateStaffMember>[1] }, ctx: Ctx) => updateStaffMember(ctx, a.input),
    beginTotpEnrolment: (_: unknown, __: unknown, ctx: Ctx) => beginTotpEnrolment(ctx),
    confirmTotpEnrolment: (_: unknown, a: { code: string }, ctx: Ctx) => confirmTotpEnrolment(ctx, a.code),
    createStaffRole: (_: unknown, a: { input: Parameters<typeof createStaffRole>[1] }, ctx: Ctx) => createStaffRole(ctx, a.input),
    updateStaffRole: (_: unknown, a: { input: Parameters<typeof updateStaffRole>[1] }, ctx: Ctx) => updateStaffRole(ctx, a.input),
    deleteStaffRole: (_: unknown, a: { id: string }, ctx: Ctx) => deleteStaffRole(ctx, a.id),
    grantStaffRole: (_: unknown, a: { input: Parameters<typeof grantStaffRole>[1] }, ctx: Ctx) => grantStaffRole(ctx, a.input),
    revokeStaffGrant: (_: unknown, a: { id: string }, ctx: Ctx) => revokeStaffGrant(ctx, a.id),
  },
  StaffMember: {
    grants: (m: { id: string }, _: unknown, ctx: Ctx) => ctx.loaders.staffGrants.load(m.id),
    // Only staff read staff members across subgraphs (e.g. who wrote an audit entry).
    __resolveReference: async (ref: { id: string }, ctx: Ctx) => {
      if (!ctx.channel.staff) return null;
      const [m] = await ctx.db.db.select().from(staffMembers).where(eq(staffMembers.id, ref.id));
      return m ? staffView(m) : null;
    },
  },
};
