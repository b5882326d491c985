import type { CustomersContext } from '../context.ts';
import { signIn, signUp, updateProfile, viewerSession } from '../services/account.service.ts';
import { requestEmailVerification, requestPasswordReset, resetPassword, verifyEmail } from '../services/account-token.service.ts';
import { addAddress, removeAddress, updateAddress, type SaveAddressInput } from '../services/address-book.service.ts';
import { addCompanyBuyer, myCompany, removeCompanyBuyer, updateCompanyBuyer } from '../services/company.service.ts';
import { eraseCustomer, eraseMyAccount, exportMyData } from '../services/privacy.service.ts';
import { refreshSession, signOut } from '../services/session.service.ts';
import { accountForExternalIdentity, type ExternalIdentityInput } from '../services/external-identity.service.ts';
import { accountPolicy, searchCompanies, searchCustomers, setAccountPolicy, setCompanyTerms, setCustomerGroup } from '../services/staff.service.ts';
import { visibleAccount } from './customer.resolvers.ts';

type Ctx = CustomersContext;
type Args<T> = T;

export const accountResolvers = {
  Query: {
    me: (_: unknown, __: unknown, ctx: Ctx) => (ctx.channel.customerId ? visibleAccount(ctx, ctx.channel.customerId) : null),
    myCompany: (_: unknown, __: unknown, ctx: Ctx) => myCompany(ctx),
    viewerSession: (_: unknown, __: unknown, ctx: Ctx) => viewerSession(ctx),
    exportMyData: (_: unknown, __: unknown, ctx: Ctx) => exportMyData(ctx),
    customers: (_: unknown, a: Args<{ search: string; first: number }>, ctx: Ctx) => searchCustomers(ctx, a.search, a.first),
    companies: (_: unknown, a: Args<{ search: string; first: number }>, ctx: Ctx) => searchCompanies(ctx, a.search, a.first),
    accountPolicy: (_: unknown, a: Args<{ channel: string }>, ctx: Ctx) => accountPolicy(ctx, a.channel),
  },
  Mutation: {
    signUp: (_: unknown, a: Args<{ input: { email: string; password: string; name?: string | null } }>, ctx: Ctx) => signUp(ctx, a.input),
    signIn: (_: unknown, a: Args<{ input: { email: string; password: string } }>, ctx: Ctx) => signIn(ctx, a.input),
    refreshSession: (_: unknown, a: Args<{ refreshToken: string }>, ctx: Ctx) => refreshSession(ctx, a.refreshToken),
    signOut: (_: unknown, __: unknown, ctx: Ctx) => signOut(ctx),
    accountForExternalIdentity: (_: unknown, a: Args<{ input: ExternalIdentityInput }>, ctx: Ctx) => accountForExternalIdentity(ctx, a.input),
    requestEmailVerification: (_: unknown, __: unknown, ctx: Ctx) => requestEmailVerification(ctx),
    verifyEmail: (_: unknown, a: Args<{ token: string }>, ctx: Ctx) => verifyEmail(ctx, a.token),
    requestPasswordReset: (_: unknown, a: Args<{ email: string }>, ctx: Ctx) => requestPasswordReset(ctx, a.email),
    resetPassword: (_: unknown, a: Args<{ token: string; newPassword: string }>, ctx: Ctx) => resetPassword(ctx, a.token, a.newPassword),
    updateProfile: (_: unknown, a: Args<{ input: { name?: string | null } }>, ctx: Ctx) => updateProfile(ctx, a.input),
    addAddress: (_: unknown, a: Args<{ input: SaveAddressInput }>, ctx: Ctx) => addAddress(ctx, a.input),
    updateAddress: (_: unknown, a: Args<{ id: string; input: SaveAddressInput }>, ctx: Ctx) => updateAddress(ctx, a.id, a.input),
    removeAddress: (_: unknown, a: Args<{ id: string }>, ctx: Ctx) => removeAddress(ctx, a.id),
    addCompanyBuyer: (_: unknown, a: Args<{ input: Parameters<typeof addCompanyBuyer>[1] }>, ctx: Ctx) => addCompanyBuyer(ctx, a.input),
    updateCompanyBuyer: (_: unknown, a: Args<{ input: Parameters<typeof updateCompanyBuyer>[1] }>, ctx: Ctx) => updateCompanyBuyer(ctx, a.input),
    removeCompanyBuyer: (_: unknown, a: Args<{ customerId: string }>, ctx: Ctx) => removeCompanyBuyer(ctx, a.customerId),
    eraseMyAccount: (_: unknown, __: unknown, ctx: Ctx) => eraseMyAccount(ctx),
    eraseCustomer: (_: unknown, a: Args<{ id: string }>, ctx: Ctx) => eraseCustomer(ctx, a.id),
    setAccountPolicy: (_: unknown, a: Args<{ channel: string; realm: string }>, ctx: Ctx) => setAccountPolicy(ctx, a.channel, a.realm),
    setCustomerGroup: (_: unknown, a: Args<{ id: string; group?: string | null }>, ctx: Ctx) => setCustomerGroup(ctx, a.id, a.group ?? null),
    setCompanyTerms: (_: unknown, a: Args<{ companyId: string; paymentTermsDays: number; creditLimit: number }>, ctx: Ctx) =>
      setCompanyTerms(ctx, a.companyId, a.paymentTermsDays, a.creditLimit),
  },
};
