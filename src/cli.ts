// Entry point of the `provenance-lens` CLI (filled in by src/cli/).
process.exitCode = 0;
