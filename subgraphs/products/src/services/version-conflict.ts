/** The `VersionConflict` result: the row moved on since the caller read it. */
export interface VersionConflict {
  __typename: 'VersionConflict';
  id: string;
  expectedVersion: number;
  currentVersion: number;
}

/**
 * Thrown inside a write's transaction so that it rolls back, and turned into the `VersionConflict` result by
 * `orVersionConflict`: a lost optimistic race is an outcome an admin client switches on (read again, reapply),
 * not an error (it was CONFLICT with extensions.currentVersion, which a client had to parse out of errors).
 */
export class VersionConflictAbort extends Error {
  constructor(readonly conflict: VersionConflict) {
    super(`${conflict.id} is at version ${conflict.currentVersion}, not ${conflict.expectedVersion}`);
  }
}

export function versionConflict(id: string, expectedVersion: number, currentVersion: number): VersionConflictAbort {
  return new VersionConflictAbort({ __typename: 'VersionConflict', id, expectedVersion, currentVersion });
}

export async function orVersionConflict<T>(write: () => Promise<T>): Promise<T | VersionConflict> {
  try {
    return await write();
  } catch (err) {
    if (err instanceof VersionConflictAbort) return err.conflict;
    throw err;
  }
}

/** For the result unions: anything but a conflict is the written product or variant. */
export const writeResultType =
  (written: 'AdminProduct' | 'AdminVariant') =>
  (r: { __typename?: string }): string =>
    r.__typename === 'VersionConflict' ? 'VersionConflict' : written;
