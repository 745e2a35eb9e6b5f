import type { CommandDefinition } from "../cli/command-definition";
import { runPredict } from "../pipeline/run-predict";
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
    OPTIONS.allowCpuFallback,
    OPTIONS.outputSize,
    OPTIONS.blurSigma,
  ],
  async run({ options, args, log, io }) {
    const predictions = await runPredict(
      {
        run: options.run as string,
        images: args,
        out: options.out as string | undefined,
        device: options.device as "cpu" | "cuda",
        allowCpuFallback: options.allowCpuFallback === true,
        outputSize: options.outputSize as number,
        blurSigma: options.blurSigma as number,
      },
      log,
    );
    if (options.json === true) {
      io.stdout(`${JSON.stringify(predictions, null, 2)}\n`);
      return;
    }
    for (const p of predictions) {
      io.stdout(
        `${p.imageScore.toFixed(6)}  ${p.file}${p.heatmap ? `  -> ${p.heatmap}` : ""}\n`,
      );
    }
  },
};
