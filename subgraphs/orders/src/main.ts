import { runUntilSignal } from '@storegraph/kit';
import { startOrders } from './index.ts';

await runUntilSignal('orders', startOrders);
