import type { CommandDefinition } from "../cli/command-definition";
import { runDemo } from "../pipeline/run-demo";
import { formatMetrics } from "./eval";

/** `devprompt demo`: end-to-end run on generated data with random weights. */
export const demoCommand: CommandDefinition = {
  name: "demo",
  summary:
    "train and evaluate on a generated dataset with a small random model",
  description:
    "Generates a synthetic dataset and a small random CLIP checkpoint, then runs train and eval on them in about a minute on a laptop CPU and prints the metrics. The weights are random, so the numbers say nothing about the method.",
  options: [
    {
      key: "out",
      kind: "path",
      valueName: "dir",
      description:
        "folder for the generated data and the run (default: a new folder in the system temp folder)",
    },
    {
      key: "epochs",
      kind: "int",
      valueName: "n",
      description: "training epochs of the demo run",
      defaultValue: 10,
      min: 1,
    },
    {
      key: "seed",
      kind: "int",
      valueName: "s",
      description:
        "seed of the generated data, the random weights and training",
      defaultValue: 111,
    },
  ],
  async run({ options, log, io }) {
    const result = await runDemo(
      {
        out: options.out as string | undefined,
        epochs: options.epochs as number,
        seed: options.seed as number,
      },
      log,
    );
    io.stdout(
      formatMetrics(result.evaluation.metrics, result.evaluation.images) +
        `files: ${result.folder} (data/, model/, run/, prompt-table.json)\n` +
        "NOTE: the CLIP weights of this demo are random, so these numbers say nothing about the method; train on real data with a pretrained checkpoint for meaningful results.\n",
    );
  },
};
