import {
  NotWiredError,
  type CommandDefinition,
} from "../cli/command-definition";
import { OPTIONS } from "./shared-options";

/** `devprompt predict`: scores new images with a trained run. */
export const predictCommand: CommandDefinition = {
  name: "predict",
  summary: "score new images and draw heatmaps with a trained run",
  description:
    "Scores images without ground truth with the prompts and visual memory of a trained run and writes heatmaps. With --json the scores go to stdout as JSON.",
  arguments: [
    {
      name: "images",
      description: "image files to score",
      variadic: true,
      required: true,
    },
  ],
  options: [
    {
      key: "run",
      kind: "path",
      valueName: "run-dir",
      description: "run directory written by devprompt train",
      required: true,
    },
    {
      key: "out",
      kind: "path",
      valueName: "dir",
      description: "folder for the heatmap PNGs (default: no heatmaps)",
    },
    OPTIONS.json,
    OPTIONS.device,
    OPTIONS.outputSize,
    OPTIONS.blurSigma,
  ],
  async run() {
    // TODO: connect the image decoder and encoders once their packages export them.
    throw new NotWiredError(
      "predict",
      "@devprompt/datasets and @devprompt/clip-encoders",
    );
  },
};
