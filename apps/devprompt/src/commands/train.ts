import {
  NotWiredError,
  type CommandDefinition,
} from "../cli/command-definition";
import { OPTIONS } from "./shared-options";
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
    OPTIONS.selectEpoch,
    OPTIONS.referenceQuirks,
    {
      key: "resume",
      kind: "boolean",
      description:
        "continue an interrupted run in --out from its last saved epoch",
      defaultValue: false,
    },
    OPTIONS.overwrite,
  ],
  async run({ options }) {
    requireCategory(options.dataset, options.category);
    if (options.resume === true && options.overwrite === true) {
      throw new Error(
        "--resume and --overwrite cannot be used together; choose one",
      );
    }
    // TODO: connect the encoders, prompt learner and loss modules once their
    // packages export them.
    throw new NotWiredError(
      "train",
      "@devprompt/datasets, @devprompt/clip-encoders, @devprompt/prompt-learner and @devprompt/deviation-loss",
    );
  },
};
