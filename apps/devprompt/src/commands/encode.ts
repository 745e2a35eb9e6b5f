import type { ImageTapConfig, TapPoint } from "@devprompt/clip-encoders";
import type { CommandDefinition } from "../cli/command-definition";
import { kebabCase } from "../cli/option-spec";
import type { ResizeChoice } from "../pipeline/model";
import { runEncode } from "../pipeline/run-encode";
import { parseTapBlocks } from "../pipeline/run-train";
import { OPTIONS } from "./shared-options";

/** Options that shape the preprocessing of image files, not of a --tensor. */
const IMAGE_ONLY_OPTIONS = [
  OPTIONS.resizeMode,
  OPTIONS.interpolation,
  OPTIONS.referenceQuirks,
];

/** `devprompt encode`: writes the image features the method uses. */
export const encodeCommand: CommandDefinition = {
  name: "encode",
  summary: "write the CLIP image features of images as .npy files",
  description:
    "Runs the frozen image encoder with the V-V path on each image and writes the global embedding, the V-V patch tokens and the two tap features as float32 .npy files with a manifest, for inspection or external tools. " +
    "Give image files (`--images a.png b.png` or just `a.png b.png`), or --tensor with pixels already preprocessed as float32 (N, 3, size, size) in a .npy file; not both.",
  arguments: [
    {
      name: "images",
      description: "image files to encode (the files after --images)",
      variadic: true,
    },
  ],
  options: [
    OPTIONS.model,
    {
      // NOTE: commander takes one value per flag here, so in
      // `--images a.png b.png` the later files arrive as positional
      // arguments; the command joins both lists in order.
      key: "images",
      kind: "path",
      valueName: "file",
      description:
        "first image file to encode; further files follow as plain arguments",
    },
    {
      key: "tensor",
      kind: "path",
      valueName: "file.npy",
      description:
        "encode preprocessed pixels instead of image files: a .npy of float32 (or float64) values, shape (N, 3, size, size), C order",
    },
    {
      key: "out",
      kind: "path",
      valueName: "dir",
      description: "folder for the .npy files and manifest.json",
      required: true,
    },
    OPTIONS.device,
    OPTIONS.allowCpuFallback,
    OPTIONS.tapBlocks,
    OPTIONS.tapPoint,
    ...IMAGE_ONLY_OPTIONS,
    OPTIONS.overwrite,
  ],
  async run({ options, sources, args, log, io }) {
    const images = [
      ...(options.images === undefined ? [] : [options.images as string]),
      ...args,
    ];
    const tensor = options.tensor as string | undefined;
    if (tensor !== undefined) {
      for (const spec of IMAGE_ONLY_OPTIONS) {
        if (sources[spec.key] !== undefined && sources[spec.key] !== "default")
          log.warn(
            `--${kebabCase(spec.key)} has no effect with --tensor: the tensor is already preprocessed`,
          );
      }
    }
    const taps: ImageTapConfig = {
      blocks: parseTapBlocks(options.tapBlocks),
      point: options.tapPoint as TapPoint,
    };
    const resize: ResizeChoice = {
      resizeMode: options.resizeMode as ResizeChoice["resizeMode"],
      interpolation: options.interpolation as ResizeChoice["interpolation"],
    };
    const out = await runEncode(
      {
        model: options.model as string,
        images,
        tensor,
        taps,
        resize,
        out: options.out as string,
        device: options.device as "cpu" | "cuda",
        allowCpuFallback: options.allowCpuFallback === true,
        referenceQuirks: options.referenceQuirks === true,
        overwrite: options.overwrite === true,
      },
      log,
    );
    io.stdout(
      tensor === undefined
        ? `encoded ${images.length} image(s) into ${out}\n`
        : `encoded the tensor ${tensor} into ${out}\n`,
    );
  },
};
