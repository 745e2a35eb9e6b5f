import type { CommandDefinition } from "../cli/command-definition";
import { runBenchmark } from "../benchmark/run-benchmark";
import { METHOD_OPTIONS, OPTIONS } from "./shared-options";

/** `devprompt benchmark`: trains and evaluates every class of a benchmark. */
export const benchmarkCommand: CommandDefinition = {
  name: "benchmark",
  summary: "train and evaluate every class of MVTec AD or VisA",
  description:
    "Trains and evaluates each class, then writes a per-class table with the mean as Markdown, CSV and JSON beside the published figures of DevPrompt, PromptAD and WinCLIP+ for the same setting.",
  options: [
    OPTIONS.model,
    { ...OPTIONS.dataset, choices: ["mvtec", "visa"] },
    OPTIONS.root,
    {
      key: "categories",
      kind: "list",
      valueName: "all|a,b",
      description: "classes to run, comma-separated, or all",
      defaultValue: ["all"],
    },
    {
      key: "out",
      kind: "path",
      valueName: "dir",
      description: "folder for the per-class runs and the tables",
      required: true,
    },
    OPTIONS.shots,
    OPTIONS.epochs,
    OPTIONS.seed,
    OPTIONS.device,
    OPTIONS.allowCpuFallback,
    OPTIONS.losses,
    OPTIONS.learningRate,
    OPTIONS.minLearningRate,
    OPTIONS.momentum,
    OPTIONS.weightDecay,
    OPTIONS.promptStyle,
    ...METHOD_OPTIONS,
    OPTIONS.selectEpoch,
    OPTIONS.referenceQuirks,
    OPTIONS.outputSize,
    OPTIONS.blurSigma,
    OPTIONS.overwrite,
  ],
  async run({ options, sources, log, io }) {
    const report = await runBenchmark(options, sources, log);
    io.stdout(report.markdown);
  },
};
