/**
 * The loop every live field runs: read now, then again each time `onChange` fires (changes that arrive while a
 * read is running coalesce into one more read), yielding only answers that differ from the last one sent.
 */
export async function* followChanges<T>(onChange: (listener: () => void) => () => void, read: () => Promise<T>, key: (value: T) => string): AsyncGenerator<T> {
  let wake: (() => void) | undefined;
  let pending = true;
  const stop = onChange(() => {
    pending = true;
    wake?.();
  });
  let last: string | undefined;
  try {
    while (true) {
      if (!pending) await new Promise<void>((resolve) => (wake = resolve));
      pending = false;
      const value = await read();
      const k = key(value);
      if (k !== last) {
        last = k;
        yield value;
      }
    }
  } finally {
    stop();
  }
}
