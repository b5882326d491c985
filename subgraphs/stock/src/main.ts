import { runUntilSignal } from '@storegraph/kit';
import { startStock } from './index.ts';

await runUntilSignal('stock', startStock);
