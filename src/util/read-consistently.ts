/**
 * Read something that a writer may replace while it is read, named by a version that changes with
 * every replacement (e.g. a header naming the files to read): `read(version)` with the version read
 * first; when the version changed meanwhile (the read may then mix the old and the new, or fail on
 * files removed under it), read once more with the new version. The writer replaces the version last
 * and its old files after it, so a second replacement during the second read is the only case left,
 * and it fails loudly (a missing file) rather than mixing.
 */
export function readConsistently<V, T>(version: () => V, read: (version: V) => T): T {
  const first = version();
  const same = (): boolean => JSON.stringify(version()) === JSON.stringify(first);
  let value: T;
  try {
    value = read(first);
  } catch (e) {
    if (same()) throw e;
    return read(version());
  }
  return same() ? value : read(version());
}
