import { runUntilSignal } from '@storegraph/server-kit';
import { startAdminBff } from './index.ts';

await runUntilSignal('bff-admin', startAdminBff);
