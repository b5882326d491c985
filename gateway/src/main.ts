import { runUntilSignal } from '@storegraph/kit';
import { startGateway } from './index.ts';

await runUntilSignal('gateway', startGateway);
