import type { OrdersContext } from '../context.ts';
import { myCompanyOrderPolicy, setCompanyOrderPolicy, type CompanyOrderPolicy, type CompanyOrderPolicyInput } from '../services/purchase-order.service.ts';

type Ctx = OrdersContext;

export const purchaseOrderResolvers = {
  Query: {
    companyOrderPolicy: (_: unknown, _args: unknown, ctx: Ctx) => myCompanyOrderPolicy(ctx),
  },
  Mutation: {
    setCompanyOrderPolicy: (_: unknown, args: { input: CompanyOrderPolicyInput }, ctx: Ctx) => setCompanyOrderPolicy(ctx, args.input),
  },
  CompanyOrderPolicy: {
    company: (p: CompanyOrderPolicy) => ({ id: p.companyId }),
    // In the channel's currency: the policy is the trade portal's, whose channel names it.
    approverLimit: (p: CompanyOrderPolicy, _: unknown, ctx: Ctx) =>
      p.approverLimit == null ? null : { amount: p.approverLimit, currency: ctx.channel.currency },
  },
};
