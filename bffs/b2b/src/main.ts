import { runUntilSignal } from '@storegraph/server-kit';
import { startB2bBff } from './index.ts';

await runUntilSignal('bff-b2b', startB2bBff);
