import { runUntilSignal } from '@storegraph/kit';
import { startProducts } from './index.ts';

await runUntilSignal('products', startProducts);
