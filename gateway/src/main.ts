import { runUntilSignal } from '@storegraph/server-kit';
import { startGateway } from './index.ts';

await runUntilSignal('gateway', startGateway);
