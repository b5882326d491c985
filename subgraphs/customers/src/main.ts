import { runUntilSignal } from '@storegraph/kit';
import { startCustomers } from './index.ts';

await runUntilSignal('customers', startCustomers);
