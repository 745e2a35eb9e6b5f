import * as tf from "@tensorflow/tfjs";

import type { Activation } from "../../src/architecture/types";
import { cudaProviderStatus } from "../../src/onnx/session";
import type { DifferentiableTextEncoder } from "../../src/text/differentiable-text-encoder";
import { createOnnxTextEncoder } from "../../src/text/onnx-text-encoder";
import { createTfjsTextEncoder } from "../../src/text/tfjs-text-encoder";
import type { TextTower } from "../../src/text/text-tower";
import { expectAllClose } from "../onnx/tolerance";
import { referenceForward } from "./float64-reference";
import { randomValues, tinyTextTower } from "./tiny-text-tower";

// Three prompts of 9 token positions with end-of-text tokens at different
// places, so truncation keeps 9 positions for some prompts and fewer for others.
const PROMPTS = 3;
const TOKENS = 9;
const EOT = Int32Array.from([4, 8, 6]);

/**
 * Largest absolute value, the scale for the relative bounds below: a bound
 * of r relative means max |actual − expected| ≤ r · max |expected|.
 */
function maxAbs(values: ArrayLike<number>): number {
  let result = 0;
  for (let i = 0; i < values.length; i++) {
    result = Math.max(result, Math.abs(values[i]));
  }
  return result;
}

/** Directional derivative of `dF · features(E)` along coordinate `index` of E, by central differences in float64. */
function finiteDifference(
  tower: TextTower,
  embeddings: Float32Array,
  featureGradient: Float32Array,
  index: number,
): number {
  // With float64 the truncation error, about h² · |f'''|, dominates; 1e-3
  // keeps it near 1e-7 for these weights.
  const step = 1e-3;
  const plus = Float64Array.from(embeddings);
  const minus = Float64Array.from(embeddings);
  plus[index] += step;
  minus[index] -= step;
  const up = referenceForward(tower, plus, EOT, TOKENS);
  const down = referenceForward(tower, minus, EOT, TOKENS);

  let sum = 0;
  for (let i = 0; i < up.length; i++) {
    sum += (featureGradient[i] * (up[i] - down[i])) / (2 * step);
  }
  return sum;
}

/** Flat index of (prompt, token, channel) in E. */
function at(
  prompt: number,
  token: number,
  channel: number,
  width: number,
): number {
  return (prompt * TOKENS + token) * width + channel;
}

beforeAll(async () => {
  await tf.setBackend("cpu");
  // Keeps tfjs from printing its "use tfjs-node" notice into the test output.
  tf.env().set("PROD", true);
});

describe.each<Activation>(["gelu", "quick_gelu"])(
  "text encoders with %s",
  (activation) => {
    const tower = tinyTextTower(activation, 11);
    const embeddings = randomValues(PROMPTS * TOKENS * tower.width, 5);
    const featureGradient = randomValues(PROMPTS * tower.embedDim, 7, 1);
    let onnx: DifferentiableTextEncoder;
    let tfjs: DifferentiableTextEncoder;
    let onnxGradient: Float32Array;
    let tfjsGradient: Float32Array;

    beforeAll(async () => {
      onnx = await createOnnxTextEncoder(tower, { intraOpThreads: 1 });
      tfjs = await createTfjsTextEncoder(tower);
      onnxGradient = await onnx.vjp(embeddings, EOT, featureGradient);
      tfjsGradient = await tfjs.vjp(embeddings, EOT, featureGradient);
    });

    afterAll(async () => {
      await onnx.dispose();
      await tfjs.dispose();
    });

    it("tfjs forward matches the float64 reference", async () => {
      const expected = referenceForward(tower, embeddings, EOT, TOKENS);
      const actual = await tfjs.forward(embeddings, EOT);

      expect(actual).toHaveLength(PROMPTS * tower.embedDim);
      expectAllClose(actual, expected, 1e-5, "tfjs features");
    });

    it("ONNX forward matches tfjs to 1e-5", async () => {
      const expected = await tfjs.forward(embeddings, EOT);
      const actual = await onnx.forward(embeddings, EOT);

      expectAllClose(actual, expected, 1e-5, "ONNX features");
    });

    it("ONNX VJP matches tfjs to 1e-4 relative", async () => {
      expect(onnxGradient).toHaveLength(embeddings.length);
      expect(maxAbs(tfjsGradient)).toBeGreaterThan(0.1);
      expectAllClose(
        onnxGradient,
        tfjsGradient,
        1e-4 * maxAbs(tfjsGradient),
        "ONNX dE",
      );
    });

    // First token, a middle token, each end-of-text token, and one position
    // after an end-of-text token (whose gradient must be zero).
    const coordinates: Array<[number, number, number]> = [
      [0, 0, 0],
      [0, 2, 17],
      [0, 4, 3],
      [1, 8, 31],
      [2, 3, 9],
      [2, 6, 20],
      [2, 7, 5],
    ];

    it.each(coordinates)(
      "both VJPs match central differences at E[%i, %i, %i]",
      (prompt, token, channel) => {
        const index = at(prompt, token, channel, tower.width);
        const expected = finiteDifference(
          tower,
          embeddings,
          featureGradient,
          index,
        );
        const fromOnnx = onnxGradient[index];
        const fromTfjs = tfjsGradient[index];

        // float32 backward passes over 3 blocks agree with float64 to about 1e-6
        // of the gradient scale (about 1 here); 1e-4 leaves room for rounding.
        expectAllClose([fromOnnx], [expected], 1e-4, "ONNX dE");
        expectAllClose([fromTfjs], [expected], 1e-4, "tfjs dE");
      },
    );

    it("gradient after each end-of-text token is zero", () => {
      for (let p = 0; p < PROMPTS; p++) {
        const after = onnxGradient.subarray(
          at(p, EOT[p] + 1, 0, tower.width),
          at(p, TOKENS - 1, tower.width, tower.width),
        );
        expect(maxAbs(after)).toBe(0);
      }
    });

    it("prompts in one batch equal prompts run alone", async () => {
      const batched = await onnx.forward(embeddings, EOT);
      const slice = tower.width * TOKENS;
      const alone = await onnx.forward(
        embeddings.slice(slice, 2 * slice),
        Int32Array.from([EOT[1]]),
      );

      expectAllClose(
        alone,
        batched.subarray(tower.embedDim, 2 * tower.embedDim),
        1e-5,
        "prompt 1",
      );
    });
  },
);

describe("truncation after the last end-of-text token", () => {
  const tower = tinyTextTower("gelu", 3);
  // 12 positions, longest prompt ends at 5, so truncation cuts 6 positions.
  const tokens = 12;
  const eot = Int32Array.from([5, 2]);
  const embeddings = randomValues(2 * tokens * tower.width, 21);
  const featureGradient = randomValues(2 * tower.embedDim, 22, 1);

  it.each(["onnx", "tfjs"])(
    "%s: truncated equals untruncated",
    async (backend) => {
      const create = (truncate: boolean) =>
        backend === "onnx"
          ? createOnnxTextEncoder(tower, { truncate, intraOpThreads: 1 })
          : createTfjsTextEncoder(tower, { truncate });
      const cut = await create(true);
      const full = await create(false);

      try {
        const cutFeatures = await cut.forward(embeddings, eot);
        const fullFeatures = await full.forward(embeddings, eot);
        const cutGradient = await cut.vjp(embeddings, eot, featureGradient);
        const fullGradient = await full.vjp(embeddings, eot, featureGradient);

        // Same operations on the kept rows; only reduction order inside the
        // batched kernels may change with the sequence length.
        expectAllClose(cutFeatures, fullFeatures, 1e-6, "features");
        expect(cutGradient).toHaveLength(fullGradient.length);
        expectAllClose(cutGradient, fullGradient, 1e-6, "dE");
      } finally {
        await cut.dispose();
        await full.dispose();
      }
    },
  );
});

describe("identity blocks (zero residual projections)", () => {
  // With out_proj and c_proj all zero every block adds nothing, so
  // features[p] = ln_final(E[p, eot] + pos[eot]) · P, and dE is non-zero only at
  // the end-of-text row, where it is the LayerNorm Jacobian applied to dF · Pᵀ.
  const base = tinyTextTower("quick_gelu", 4);
  const tower: TextTower = {
    ...base,
    blocks: base.blocks.map((block) => ({
      ...block,
      outProjWeight: new Float32Array(block.outProjWeight.length),
      outProjBias: new Float32Array(block.outProjBias.length),
      projWeight: new Float32Array(block.projWeight.length),
      projBias: new Float32Array(block.projBias.length),
    })),
  };
  const { width, embedDim } = tower;
  const tokens = 4;
  const eot = Int32Array.from([3, 1]);
  const embeddings = randomValues(2 * tokens * width, 31);
  const featureGradient = randomValues(2 * embedDim, 32, 1);

  /** Input row x at the end-of-text token, its normalised form and 1/σ. */
  function eotRow(prompt: number): { normalised: number[]; rstd: number } {
    const x = Array.from(
      { length: width },
      (_, c) =>
        embeddings[(prompt * tokens + eot[prompt]) * width + c] +
        tower.positionalEmbedding[eot[prompt] * width + c],
    );
    const mean = x.reduce((a, b) => a + b, 0) / width;
    const variance = x.reduce((a, b) => a + (b - mean) ** 2, 0) / width;
    const rstd = 1 / Math.sqrt(variance + tower.layerNormEpsilon);
    return { normalised: x.map((v) => (v - mean) * rstd), rstd };
  }

  it("features and dE have the closed form", async () => {
    const expectedFeatures = new Float64Array(2 * embedDim);
    const expectedGradient = new Float64Array(2 * tokens * width);
    for (let p = 0; p < 2; p++) {
      const { normalised, rstd } = eotRow(p);
      const y = normalised.map(
        (v, c) => v * tower.lnFinal.weight[c] + tower.lnFinal.bias[c],
      );
      for (let e = 0; e < embedDim; e++) {
        expectedFeatures[p * embedDim + e] = y.reduce(
          (sum, value, c) =>
            sum + value * tower.textProjection[c * embedDim + e],
          0,
        );
      }

      // dy = dF · Pᵀ, then dx_i = Σ_j dy_j · ∂y_j/∂x_i with the explicit
      // Jacobian ∂y_j/∂x_i = γ_j · rstd · (δ_ij − 1/n − x̂_i x̂_j / n).
      const dy = Array.from({ length: width }, (_, c) => {
        let sum = 0;
        for (let e = 0; e < embedDim; e++) {
          sum +=
            featureGradient[p * embedDim + e] *
            tower.textProjection[c * embedDim + e];
        }
        return sum;
      });
      for (let i = 0; i < width; i++) {
        let sum = 0;
        for (let j = 0; j < width; j++) {
          const jacobian =
            tower.lnFinal.weight[j] *
            rstd *
            ((i === j ? 1 : 0) -
              1 / width -
              (normalised[i] * normalised[j]) / width);
          sum += dy[j] * jacobian;
        }
        expectedGradient[(p * tokens + eot[p]) * width + i] = sum;
      }
    }

    const onnx = await createOnnxTextEncoder(tower, { intraOpThreads: 1 });
    try {
      expectAllClose(
        await onnx.forward(embeddings, eot),
        expectedFeatures,
        1e-5,
        "features",
      );
      expectAllClose(
        await onnx.vjp(embeddings, eot, featureGradient),
        expectedGradient,
        1e-5,
        "dE",
      );
    } finally {
      await onnx.dispose();
    }
  });
});

describe("tfjs wasm backend", () => {
  it("matches the cpu backend, one-hot gather included", async () => {
    const tower = tinyTextTower("gelu", 8);
    const embeddings = randomValues(PROMPTS * TOKENS * tower.width, 41);
    const featureGradient = randomValues(PROMPTS * tower.embedDim, 42, 1);
    const onCpu = await createTfjsTextEncoder(tower, { backend: "cpu" });
    const expected = await onCpu.vjp(embeddings, EOT, featureGradient);
    await onCpu.dispose();

    const onWasm = await createTfjsTextEncoder(tower, { backend: "wasm" });
    try {
      const actual = await onWasm.vjp(embeddings, EOT, featureGradient);
      expectAllClose(actual, expected, 1e-4 * maxAbs(expected), "wasm dE");
    } finally {
      await onWasm.dispose();
      await tf.setBackend("cpu");
    }
  });
});

describe("text encoder errors", () => {
  const tower = tinyTextTower("gelu", 1);
  const embeddings = randomValues(2 * 5 * tower.width, 1);
  let onnx: DifferentiableTextEncoder;

  beforeAll(async () => {
    onnx = await createOnnxTextEncoder(tower, { intraOpThreads: 1 });
  });

  afterAll(async () => {
    await onnx.dispose();
  });

  it("rejects embeddings that do not fit the prompts", async () => {
    await expect(
      onnx.forward(embeddings.subarray(1), Int32Array.from([1, 2])),
    ).rejects.toThrow(/do not form 2 prompts × tokens × 32/);
  });

  it("rejects an end-of-text position past the tokens", async () => {
    await expect(
      onnx.forward(embeddings, Int32Array.from([1, 5])),
    ).rejects.toThrow(/eot\[1\] = 5 is outside \[0, 4\]/);
  });

  it("rejects a feature gradient of the wrong length", async () => {
    await expect(
      onnx.vjp(
        embeddings,
        Int32Array.from([1, 2]),
        new Float32Array(tower.embedDim),
      ),
    ).rejects.toThrow(
      /featureGradient has 24 values, expected 2 prompts × 24 = 48/,
    );
  });

  it("rejects use after dispose", async () => {
    const encoder = await createTfjsTextEncoder(tower);
    await encoder.dispose();
    await expect(
      encoder.forward(embeddings, Int32Array.from([1, 2])),
    ).rejects.toThrow(/used after dispose/);
  });

  const cuda = cudaProviderStatus();
  (cuda.available ? it.skip : it)(
    "names the missing CUDA provider",
    async () => {
      await expect(
        createOnnxTextEncoder(tower, { device: "cuda" }),
      ).rejects.toThrow(/CUDA execution provider is unavailable/);
    },
  );
});
