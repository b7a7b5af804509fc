/**
 * Runs the loopback fixture registry until SIGINT/SIGTERM:
 *
 *   npx tsx test/fixture-registry/main.ts [--port N] [--latency MS]
 *
 * Prints the registry URL (one line, no trailing slash) on stdout; notes go to stderr.
 */
import { startFixtureRegistry } from './server';

function argValue(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i >= 0) return args[i + 1];
  const eq = args.find((a) => a.startsWith(`${name}=`));
  return eq?.slice(name.length + 1);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write('usage: tsx test/fixture-registry/main.ts [--port N] [--latency MS]\n');
    return;
  }
  const portArg = argValue(args, '--port');
  const latencyArg = argValue(args, '--latency');
  const port = portArg === undefined ? 0 : Number(portArg);
  const latencyMs = latencyArg === undefined ? 0 : Number(latencyArg);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid --port: ${portArg}`);
  if (!Number.isFinite(latencyMs) || latencyMs < 0) throw new Error(`invalid --latency: ${latencyArg}`);

  const registry = await startFixtureRegistry({ port, latencyMs });
  process.stderr.write(
    `fixture registry: ${registry.caseIds.length} cases under ${registry.url}/case/<id>/, stripped mirror at ${registry.url}/mirror/\n`,
  );
  process.stdout.write(`${registry.url}\n`);

  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    registry.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`fixture registry: ${(err as Error).message}\n`);
  process.exit(1);
});
