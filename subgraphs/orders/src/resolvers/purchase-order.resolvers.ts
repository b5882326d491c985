import type { OrdersContext } from '../context.ts';
import { myCompanyOrderPolicy, setCompanyOrderPolicy, type CompanyOrderPolicy } from '../services/purchase-order.service.ts';

type Ctx = OrdersContext;

export const purchaseOrderResolvers = {
  Query: {
    companyOrderPolicy: (_: unknown, _args: unknown, ctx: Ctx) => myCompanyOrderPolicy(ctx),
  },
  Mutation: {
    setCompanyOrderPolicy: (_: unknown, args: { input: { purchaseOrderRequired: boolean } }, ctx: Ctx) => setCompanyOrderPolicy(ctx, args.input),
  },
  CompanyOrderPolicy: {
    company: (p: CompanyOrderPolicy) => ({ id: p.companyId }),
  },
};
