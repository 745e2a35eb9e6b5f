/**
 * Bench of the pixel metrics at the scale of one VisA class: 200 anomaly maps
 * of 400 x 400 (32 million pixels) by default.
 *
 * Usage: tsx packages/metrics/bench/pixel-metrics.bench.ts [--maps N]
 * [--size S]. Each task runs in its own process (peak memory per task).
 * When a Python with scikit-learn and scipy is found (see findPython), the same data is timed
 * with sklearn's roc_auc_score and the numpy AUPRO of
 * tools/golden/metrics/reference.py in the same run. Prints a Markdown table.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { writeSyntheticMaps } from "./synthetic-maps";

const REPOSITORY = path.resolve(__dirname, "../../..");
const PYTHON_SCRIPT = path.join(
  REPOSITORY,
  "tools/golden/metrics/bench_reference.py",
);

interface Measurement {
  value: number;
  errorBound?: number;
  addSeconds?: number;
  metricSeconds?: number;
  seconds?: number;
  cpuSeconds: number;
  peakRssMb: number;
  loadedRssMb: number;
}

function parseArguments(argv: string[]): { count: number; size: number } {
  const options = { count: 200, size: 400 };
  for (let k = 0; k < argv.length; k += 2) {
    const value = Number(argv[k + 1]);
    if (!(Number.isInteger(value) && value > 0)) {
      throw new Error(
        `${argv[k]} needs a positive integer; got ${argv[k + 1]}`,
      );
    }
    if (argv[k] === "--maps") options.count = value;
    else if (argv[k] === "--size") options.size = value;
    else
      throw new Error(
        `unknown option ${argv[k]}; expected --maps N or --size S`,
      );
  }
  return options;
}

function runJson(command: string, args: string[]): Measurement {
  const result = spawnSync(command, args, {
    encoding: "utf8",
    maxBuffer: 1 << 20,
  });
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(" ")} failed (exit ${result.status}):\n${result.stderr}`,
    );
  }
  const lines = result.stdout.trim().split("\n");
  return JSON.parse(lines[lines.length - 1]) as Measurement;
}

/**
 * Returns the first Python that imports scikit-learn and scipy: $PYTHON when
 * set, then `python3` on the PATH, then Debian's /usr/bin/python3 (a pyenv or
 * venv python3 earlier on the PATH often lacks the Debian packages).
 */
function findPython(): string | undefined {
  const candidates = [process.env.PYTHON, "python3", "/usr/bin/python3"];
  return candidates.find(
    (candidate) =>
      candidate !== undefined &&
      spawnSync(candidate, ["-c", "import sklearn, scipy"]).status === 0,
  );
}

function seconds(value: number | undefined): string {
  return value === undefined ? "" : value.toFixed(2);
}

function megabytes(value: number): string {
  return value.toFixed(0);
}

function main(): void {
  const { count, size } = parseArguments(process.argv.slice(2));
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), "metrics-bench-"));
  try {
    writeSyntheticMaps(directory, { count, height: size, width: size });
    const worker = path.join(__dirname, "pixel-metrics.worker.ts");
    // The parent runs under tsx, so its exec arguments load tsx in the child.
    const node = (task: string): Measurement =>
      runJson(process.execPath, [...process.execArgv, worker, directory, task]);
    const python = findPython();
    const py = (task: string): Measurement | undefined =>
      python ? runJson(python, [PYTHON_SCRIPT, directory, task]) : undefined;

    const rows: {
      task: string;
      implementation: string;
      result: Measurement;
      reference?: Measurement;
    }[] = [];
    const sklearnAuroc = py("auroc");
    const numpyAupro = py("aupro");
    rows.push({
      task: "pixel AUROC",
      implementation: "@devprompt/metrics exact",
      result: node("auroc"),
      reference: sklearnAuroc,
    });
    if (sklearnAuroc)
      rows.push({
        task: "pixel AUROC",
        implementation: "sklearn roc_auc_score",
        result: sklearnAuroc,
      });
    rows.push({
      task: "AUPRO 0.3",
      implementation: "@devprompt/metrics exact",
      result: node("aupro"),
      reference: numpyAupro,
    });
    rows.push({
      task: "AUPRO 0.3",
      implementation: "@devprompt/metrics binned",
      result: node("aupro-binned"),
      reference: numpyAupro,
    });
    if (numpyAupro)
      rows.push({
        task: "AUPRO 0.3",
        implementation: "numpy reference (one sort)",
        result: numpyAupro,
      });

    const pixels = count * size * size;
    const lines = [
      `pixel metrics on ${count} maps of ${size}x${size} (${(pixels / 1e6).toFixed(1)} M pixels), Node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? "unknown"})`,
      python
        ? `reference: ${python}`
        : "no Python with scikit-learn and scipy found (set PYTHON): no reference rows",
      "| task | implementation | value | add maps (s) | metric (s) | total (s) | CPU (s) | peak RSS (MB) | RSS after loading data (MB) | CPU / Python CPU | value - Python value |",
      "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ];
    for (const { task, implementation, result, reference } of rows) {
      const total =
        result.seconds ??
        (result.addSeconds ?? 0) + (result.metricSeconds ?? 0);
      // CPU time is the fairer ratio on a shared machine: wall time also
      // counts the time other processes hold the cores.
      const ratio = reference
        ? (result.cpuSeconds / reference.cpuSeconds).toFixed(2)
        : "";
      const difference = reference
        ? Math.abs(result.value - reference.value).toExponential(1)
        : "";
      const value =
        result.errorBound === undefined
          ? result.value.toFixed(6)
          : `${result.value.toFixed(6)} ± ${result.errorBound.toExponential(1)}`;
      lines.push(
        `| ${task} | ${implementation} | ${value} | ${seconds(result.addSeconds)} | ${seconds(result.metricSeconds ?? result.seconds)} | ${seconds(total)} | ${seconds(result.cpuSeconds)} | ${megabytes(result.peakRssMb)} | ${megabytes(result.loadedRssMb)} | ${ratio} | ${difference} |`,
      );
    }
    process.stdout.write(`${lines.filter((line) => line !== "").join("\n")}\n`);
  } finally {
    fs.rmSync(directory, { recursive: true, force: true });
  }
}

main();
