import type { OrdersContext } from '../context.ts';
import { allowedShipmentNext } from '../domain/shipment-status.machine.ts';
import { setShipmentStatus, shipmentQueue, type SetShipmentStatusInput, type ShipmentRow } from '../services/shipment.service.ts';
import type { OrderRow } from '../services/order-query.service.ts';
import { splitShipment } from '../services/shipment-split.service.ts';

type Ctx = OrdersContext;

export const shipmentResolvers = {
  Query: {
    shipmentQueue: (_: unknown, args: { locationId: string; statuses?: string[]; first: number }, ctx: Ctx) => shipmentQueue(ctx, args),
  },
  Mutation: {
    setShipmentStatus: (_: unknown, args: { input: SetShipmentStatusInput }, ctx: Ctx) => setShipmentStatus(ctx, args.input),
    splitShipment: (_: unknown, args: { input: Parameters<typeof splitShipment>[1] }, ctx: Ctx) => splitShipment(ctx, args.input),
  },
  ShipmentTransitionResult: { __resolveType: (r: { __typename: string }) => r.__typename },
  Shipment: {
    // Staff reach shipments through the queue; the order is read with the same loader as any order reference.
    order: (s: ShipmentRow, _: unknown, ctx: Ctx) => ctx.loaders.orderForShipment.load(s.orderId),
    location: (s: ShipmentRow) => ({ id: s.locationId }),
    shippedAt: (s: ShipmentRow) => s.shippedAt?.toISOString() ?? null,
    lines: (s: ShipmentRow, _: unknown, ctx: Ctx) => ctx.loaders.linesOfShipment.load(s.id),
    nextStatuses: (s: ShipmentRow) => allowedShipmentNext(s.status, s.pickup),
  },
  ShipmentLine: { variant: (l: { variantId: string }) => ({ id: l.variantId }) },
  orderShipments: (o: OrderRow, _: unknown, ctx: Ctx) => ctx.loaders.shipmentsOfOrder.load(o.id),
};
