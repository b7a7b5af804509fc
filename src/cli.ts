// Entry point of the `provenance-lens` CLI (bundled to dist/cli.js).
import { main } from './cli/main';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`provenance-lens: ${(err as Error)?.stack ?? String(err)}\n`);
    process.exitCode = 2;
  },
);
