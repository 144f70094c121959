/**
 * How commands report what was read leniently (header quirks, checksum mismatches): one
 * `warning: <message>` line on stderr per distinct message, so a record read twice by one command
 * warns once. Library code never prints; it hands its warnings to the `warn` function made here.
 */
export function stderrWarner(): (message: string) => void {
  const seen = new Set<string>();
  return (message: string): void => {
    if (seen.has(message)) return;
    seen.add(message);
    process.stderr.write(`warning: ${message}\n`);
  };
}

/** Help text of the `--strict` option shared by the commands that read records. */
export const STRICT_HELP =
  'refuse records with checksum mismatches or header quirks (default: read them with one warning each)';
