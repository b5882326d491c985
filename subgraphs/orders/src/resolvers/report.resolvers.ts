import type { OrdersContext } from '../context.ts';
import { reportRegions, setReportRegion } from '../reports/report-scope.ts';
import { salesReport, topProducts, type SalesReportInput } from '../reports/sales-report.service.ts';

type Ctx = OrdersContext;

export const reportResolvers = {
  Query: {
    salesReport: (_: unknown, args: { input: SalesReportInput }, ctx: Ctx) => salesReport(ctx, args.input),
    topProducts: (_: unknown, args: { input: SalesReportInput; variantIds?: string[] | null; first: number }, ctx: Ctx) =>
      topProducts(ctx, args.input, args.variantIds, args.first),
    reportRegions: (_: unknown, __: unknown, ctx: Ctx) => reportRegions(ctx),
  },
  Mutation: {
    setReportRegion: (_: unknown, args: { region: string; channels: string[] }, ctx: Ctx) => setReportRegion(ctx, args.region, args.channels),
  },
};
