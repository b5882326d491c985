import { runUntilSignal } from '@storegraph/kit';
import { startPosBff } from './index.ts';

await runUntilSignal('bff-pos', startPosBff);
