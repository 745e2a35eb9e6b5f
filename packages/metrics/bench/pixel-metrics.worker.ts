/**
 * One measured run of the metrics bench, in its own process so that its
 * peak resident memory belongs to one task only.
 *
 * Usage: tsx pixel-metrics.worker.ts DATA_DIR TASK, TASK one of `auroc`,
 * `aupro`, `aupro-binned`. Prints one JSON line: value, addSeconds (feeding
 * all maps to the accumulator), metricSeconds, cpuSeconds (user + system
 * CPU time of both steps), peakRssMb, loadedRssMb (after reading the data).
 */
import { PixelMetricAccumulator } from "../src/index";
import { readSyntheticMaps } from "./synthetic-maps";

function main(): void {
  const [directory, task] = process.argv.slice(2);
  const { shape, maps, masks } = readSyntheticMaps(directory);
  const { count, height, width } = shape;
  const loadedRssMb = process.memoryUsage().rss / 2 ** 20;
  const pixels = height * width;

  const cpuStart = process.cpuUsage();
  const start = performance.now();
  const accumulator = new PixelMetricAccumulator();
  for (let image = 0; image < count; image++) {
    const offset = image * pixels;
    accumulator.add(
      { data: maps.subarray(offset, offset + pixels), height, width },
      { data: masks.subarray(offset, offset + pixels), height, width },
    );
  }
  const added = performance.now();

  let value: number;
  let errorBound: number | undefined;
  if (task === "auroc") value = accumulator.auroc().value;
  else if (task === "aupro") value = accumulator.aupro().value;
  else if (task === "aupro-binned") {
    const binned = accumulator.auproBinned();
    value = binned.value;
    errorBound = binned.errorBound;
  } else {
    throw new Error(
      `unknown task "${task}"; expected auroc, aupro or aupro-binned`,
    );
  }
  const done = performance.now();
  const cpu = process.cpuUsage(cpuStart);

  process.stdout.write(
    `${JSON.stringify({
      value,
      errorBound,
      addSeconds: (added - start) / 1000,
      metricSeconds: (done - added) / 1000,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      peakRssMb: process.resourceUsage().maxRSS / 1024,
      loadedRssMb,
    })}\n`,
  );
}

main();
