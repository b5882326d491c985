import { runUntilSignal } from '@storegraph/kit';
import { startPrices } from './index.ts';

await runUntilSignal('prices', startPrices);
