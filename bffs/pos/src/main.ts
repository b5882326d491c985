import { runUntilSignal } from '@storegraph/server-kit';
import { startPosBff } from './index.ts';

await runUntilSignal('bff-pos', startPosBff);
