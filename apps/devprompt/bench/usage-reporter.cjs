// Preloaded into a benchmarked child process with `node --require`. When the
// process exits, it writes its own resource usage as JSON to the file named
// by $DEVPROMPT_USAGE_FILE. The values are those of getrusage(RUSAGE_SELF):
// peak resident memory in KiB, and CPU time in microseconds summed over all
// threads, ONNX Runtime's and worker threads included.
const { writeFileSync } = require("node:fs");

const target = process.env.DEVPROMPT_USAGE_FILE;
if (target) {
  process.on("exit", () => {
    const usage = process.resourceUsage();
    writeFileSync(
      target,
      JSON.stringify({
        maxRssKiB: usage.maxRSS,
        userCpuMicros: usage.userCPUTime,
        systemCpuMicros: usage.systemCPUTime,
      }),
    );
  });
}
