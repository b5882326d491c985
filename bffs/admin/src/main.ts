import { runUntilSignal } from '@storegraph/kit';
import { startAdminBff } from './index.ts';

await runUntilSignal('bff-admin', startAdminBff);
