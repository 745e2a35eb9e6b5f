import { readFileSync } from "node:fs";
import path from "node:path";

import * as tf from "@tensorflow/tfjs";

import type { Activation } from "../../src/architecture/types";
import { generateRandomWeights } from "../../src/checkpoint/random-weights";
import { createOnnxTextEncoder } from "../../src/text/onnx-text-encoder";
import { createTfjsTextEncoder } from "../../src/text/tfjs-text-encoder";
import { readTextTower } from "../../src/text/text-tower";
import { expectAllClose } from "../onnx/tolerance";
import { tinyArchitecture } from "./tiny-text-tower";

/** A golden fixture from tools/golden/text-encoder/generate.sh (PyTorch, float64). */
interface TextGolden {
  activation: Activation;
  seed: number;
  tokens: number;
  eot: number[];
  embeddings: number[];
  featureGradient: number[];
  textProjectionSum: number;
  features: number[];
  gradient: number[];
}

function readGolden(activation: Activation): TextGolden {
  const file = path.join(
    __dirname,
    "fixtures",
    `text-golden-${activation}.json`,
  );
  return JSON.parse(readFileSync(file, "utf8")) as TextGolden;
}

beforeAll(async () => {
  await tf.setBackend("cpu");
  tf.env().set("PROD", true);
});

describe.each<Activation>(["gelu", "quick_gelu"])(
  "PyTorch golden with %s",
  (activation) => {
    const golden = readGolden(activation);
    const architecture = tinyArchitecture(activation);
    const weights = generateRandomWeights(architecture, golden.seed);
    const tower = readTextTower(weights, architecture);
    const embeddings = Float32Array.from(golden.embeddings);
    const eot = Int32Array.from(golden.eot);
    const featureGradient = Float32Array.from(golden.featureGradient);

    it("fixture matches the weight generator", () => {
      // A different sum means the random-weight generator changed; rerun
      // sh tools/golden/text-encoder/generate.sh.
      const sum = Array.from(tower.textProjection).reduce((a, b) => a + b, 0);
      expect(sum).toBeCloseTo(golden.textProjectionSum, 10);
    });

    it.each(["onnx", "tfjs"])("%s matches PyTorch", async (backend) => {
      const encoder =
        backend === "onnx"
          ? await createOnnxTextEncoder(tower, { intraOpThreads: 1 })
          : await createTfjsTextEncoder(tower);
      try {
        const features = await encoder.forward(embeddings, eot);
        const gradient = await encoder.vjp(embeddings, eot, featureGradient);

        // float32 encoders against a float64 reference: values are of order 1
        // and agree to a few 1e-7; 1e-5 is the forward acceptance bound.
        expectAllClose(features, golden.features, 1e-5, `${backend} features`);
        expectAllClose(gradient, golden.gradient, 1e-5, `${backend} dE`);
      } finally {
        await encoder.dispose();
      }
    });
  },
);
