// Preloaded (`node --require`) into a process the benchmark measures: at exit it writes what the process
// cost to the file named by BENCH_PROBE_OUT — peak RSS, CPU time of the main thread and of the whole
// process, the time to load the main module (startupMs) and, from then on, the longest event-loop block
// of the main thread (the thread that would be the editor's).
'use strict';
const fs = require('node:fs');
const { monitorEventLoopDelay } = require('node:perf_hooks'); // performance is Node's global

const out = process.env.BENCH_PROBE_OUT;
if (out) {
  const loop = monitorEventLoopDelay({ resolution: 2 });
  loop.enable();
  const started = performance.now();
  // Loading the main module is one synchronous block (startup, not the scan): measured apart, then the
  // histogram starts afresh on the first turn of the event loop.
  let startupMs = 0;
  setImmediate(() => {
    startupMs = performance.now() - started;
    loop.reset();
  });
  process.on('exit', () => {
    loop.disable();
    const usage = process.resourceUsage();
    const body = {
      // A timer due every 2 ms that fires late by X was blocked for about X.
      loopMaxMs: loop.max / 1e6,
      loopP99Ms: loop.percentile(99) / 1e6,
      maxRssMB: usage.maxRSS / 1024,
      cpuUserMs: usage.userCPUTime / 1000,
      cpuSystemMs: usage.systemCPUTime / 1000,
      mainThreadCpuMs: (() => {
        try {
          // Linux: utime+stime of the main thread (task id = pid), in clock ticks (100 Hz).
          const stat = fs.readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
          const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
          return (Number(fields[11]) + Number(fields[12])) * 10;
        } catch {
          return undefined;
        }
      })(),
      wallMs: performance.now() - started,
      startupMs,
    };
    try {
      fs.writeFileSync(out, JSON.stringify(body));
    } catch {
      /* nothing to report to */
    }
  });
}
