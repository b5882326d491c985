import { runUntilSignal } from '@storegraph/server-kit';
import { startB2cBff } from './index.ts';

await runUntilSignal('bff-b2c', startB2cBff);
