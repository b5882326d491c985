import { runUntilSignal } from '@storegraph/kit';
import { startB2cBff } from './index.ts';

await runUntilSignal('bff-b2c', startB2cBff);
