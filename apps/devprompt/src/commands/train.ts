import * as path from "node:path";
import type { CommandDefinition } from "../cli/command-definition";
import { runTrain, trainSettingsFromOptions } from "../pipeline/run-train";
import { METHOD_OPTIONS, OPTIONS } from "./shared-options";
import { requireCategory } from "./require-category";

/** `devprompt train`: learns the prompt context of one class from k normal shots. */
export const trainCommand: CommandDefinition = {
  name: "train",
  summary: "learn the prompts of one class from k normal images",
  description:
    "Builds the visual memory from the k shots, caches their features and trains the prompt context with SGD (momentum, weight decay, cosine schedule). Writes a checkpoint, config.json with every value used and train-log.jsonl with the loss terms per epoch.",
  options: [
    OPTIONS.model,
    OPTIONS.dataset,
    OPTIONS.root,
    OPTIONS.category,
    OPTIONS.shots,
    {
      key: "out",
      kind: "path",
      valueName: "run-dir",
      description: "run directory to create",
      required: true,
    },
    OPTIONS.epochs,
    OPTIONS.seed,
    OPTIONS.device,
    OPTIONS.allowCpuFallback,
    OPTIONS.skipBad,
    OPTIONS.losses,
    {
      key: "initContext",
      kind: "path",
      valueName: "file",
      description:
        "start from context vectors saved by another run (warm start)",
    },
    OPTIONS.learningRate,
    OPTIONS.minLearningRate,
    OPTIONS.momentum,
    OPTIONS.weightDecay,
    OPTIONS.promptStyle,
    {
      key: "promptTable",
      kind: "path",
      valueName: "file",
      description:
        "JSON file that adds classes or anomaly state phrases to PromptAD's prompt table",
    },
    ...METHOD_OPTIONS,
    OPTIONS.selectEpoch,
    OPTIONS.referenceQuirks,
    {
      ...OPTIONS.outputSize,
      description: `${OPTIONS.outputSize.description}, used by --select-epoch test-pixel-auroc`,
    },
    {
      ...OPTIONS.blurSigma,
      description: `${OPTIONS.blurSigma.description}, used by --select-epoch test-pixel-auroc`,
    },
    {
      key: "resume",
      kind: "boolean",
      description:
        "continue an interrupted run in --out from its last saved epoch",
      defaultValue: false,
    },
    OPTIONS.overwrite,
  ],
  async run({ options, sources, log, io }) {
    requireCategory(options.dataset, options.category);
    if (options.resume === true && options.overwrite === true) {
      throw new Error(
        "--resume and --overwrite cannot be used together; choose one",
      );
    }
    if (options.resume === true && options.selectEpoch !== "last") {
      // NOTE: the best epoch so far and its context are not part of the
      // resume checkpoint, so a resumed run could not know which epoch won.
      throw new Error(
        "--resume works with --select-epoch last only: the resume checkpoint keeps the last epoch's context but not the best test-set epoch found before the interruption, so the selection would be wrong. " +
          "Train again from scratch with --overwrite (and --select-epoch test-pixel-auroc), or resume with --select-epoch last.",
      );
    }

    const settings = trainSettingsFromOptions(options);
    // Ctrl-C stops the process between saved epochs, so print how to resume.
    // Only this command installs the handler, because sweep workers train
    // in-process and handle SIGINT themselves.
    const onInterrupt = (): void => {
      log.error(
        `training interrupted; continue the run from its last saved epoch with ` +
          `\`devprompt train --resume --out ${path.resolve(settings.out)} ...\` and the same options`,
      );
      process.exit(130);
    };
    process.once("SIGINT", onInterrupt);
    let result: Awaited<ReturnType<typeof runTrain>>;
    try {
      result = await runTrain(settings, { values: options, sources }, log);
    } finally {
      process.removeListener("SIGINT", onInterrupt);
    }
    const last = result.log[result.log.length - 1];
    io.stdout(
      `trained ${result.log.length} epoch(s) into ${result.runDir}` +
        (last ? `; final loss ${last.total.toFixed(6)}` : "") +
        "\n",
    );
  },
};
