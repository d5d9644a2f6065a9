/**
 * Process-wide settings of the `zhili` command, applied once at start (src/cli/main.ts).
 */

/** Exit status of a command whose reader went away: 128 + SIGPIPE, what the shell reports for `cat big | head`. */
export const EXIT_BROKEN_PIPE = 141;

/**
 * - umask 077: every file and directory zhili creates (the DuckDB store and its write-ahead
 *   log, which DuckDB creates itself, temporary files, outputs, reports) is private to its
 *   owner. Files zhili opens explicitly also carry mode 0600 / 0700, for library callers.
 * - A closed stdout/stderr (`zhili screen … | head`) ends the command quietly with status
 *   141 instead of an "EPIPE" stack trace. The work done so far is committed: every write
 *   to the store is transactional, and --out files are written before the summary.
 */
export function setUpCliProcess(): void {
  process.umask(0o077);
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') process.exit(EXIT_BROKEN_PIPE);
      throw e;
    });
  }
}
