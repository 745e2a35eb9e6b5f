import {
  type DifferentiableTextEncoder,
  createOnnxTextEncoder,
  createTfjsTextEncoder,
  generateRandomWeights,
  getArchitecture,
  readTextTower,
} from "@devprompt/clip-encoders";

import {
  type LearnableContext,
  PromptAssembler,
  PromptTable,
  SeededNormal,
  buildPromptLayout,
  buildPromptTexts,
  clipPromptTokenizer,
  computeTextAnchors,
  defaultContextConfig,
  initLearnableContext,
  scatterContextGradient,
  tokenEmbeddingTable,
} from "../../src";

const clipTokenize = clipPromptTokenizer();

// Whole chain on the random test-tiny checkpoint (text width 32, embedding
// 24): context -> E -> text encoder -> anchors and normalised features -> a
// scalar test loss. The analytic gradient (loss backward written below, the
// encoder's VJP, then scatterContextGradient) must match central finite
// differences of the loss.

const architecture = getArchitecture("test-tiny");
const weights = generateRandomWeights(architecture, 3);
const tower = readTextTower(weights, architecture);
const tokenEmbedding = tokenEmbeddingTable(weights);
const config = defaultContextConfig();
const layout = buildPromptLayout(
  buildPromptTexts("bottle", PromptTable.promptad()),
  config,
  clipTokenize,
);
const assembler = new PromptAssembler(layout, tokenEmbedding);
const dim = architecture.embedDim;

// Fixed random directions of the test loss
// L = <w, n̄> + <v, ā> + Σ_i u_i <r, f̂_i>.
const directions = new SeededNormal(17);
const w = directions.fillNormal(new Float32Array(dim), 1);
const v = directions.fillNormal(new Float32Array(dim), 1);
const r = directions.fillNormal(new Float32Array(dim), 1);
const u = directions.fillNormal(new Float32Array(layout.count), 1);

async function loss(
  encoder: DifferentiableTextEncoder,
  context: LearnableContext,
): Promise<number> {
  const { embeddings, eot } = assembler.assemble(context);
  const anchors = computeTextAnchors(
    await encoder.forward(embeddings, eot),
    dim,
    layout.groups,
  );
  let total =
    dot(w, anchors.normalAnchor, 0) + dot(v, anchors.abnormalAnchor, 0);
  for (let i = 0; i < layout.count; i++) {
    total += u[i] * dot(r, anchors.normalisedFeatures, i * dim);
  }
  return total;
}

/** dL/dfeatures, from d(x/‖x‖) = (g − x̂ ⟨x̂, g⟩) / ‖x‖ applied to each term. */
function lossFeatureGradient(features: Float32Array): Float32Array {
  const gradient = new Float64Array(features.length);
  const addNormalisedBackward = (
    rows: number[],
    direction: Float32Array,
    weight: number,
  ) => {
    const sum = new Float64Array(dim);
    for (const i of rows)
      for (let d = 0; d < dim; d++) sum[d] += features[i * dim + d];
    const norm = Math.hypot(...sum);
    let projection = 0;
    for (let d = 0; d < dim; d++) projection += (sum[d] / norm) * direction[d];
    for (const i of rows) {
      for (let d = 0; d < dim; d++) {
        gradient[i * dim + d] +=
          (weight * (direction[d] - (sum[d] / norm) * projection)) / norm;
      }
    }
  };
  const range = (start: number, count: number) =>
    Array.from({ length: count }, (_, k) => start + k);
  const { normal, manualAbnormal, learnedAbnormal } = layout.groups;
  addNormalisedBackward(range(normal.start, normal.count), w, 1);
  addNormalisedBackward(
    [
      ...range(manualAbnormal.start, manualAbnormal.count),
      ...range(learnedAbnormal.start, learnedAbnormal.count),
    ],
    v,
    1,
  );
  for (let i = 0; i < layout.count; i++) addNormalisedBackward([i], r, u[i]);
  return Float32Array.from(gradient);
}

function dot(a: Float32Array, b: Float32Array, offset: number): number {
  let sum = 0;
  for (let d = 0; d < a.length; d++) sum += a[d] * b[offset + d];
  return sum;
}

// The tfjs encoder is the slow reference backend (about 0.1 s per forward
// pass here on wasm), so it checks fewer coordinates.
const backends: Array<
  [string, () => Promise<DifferentiableTextEncoder>, number]
> = [
  ["onnx", () => createOnnxTextEncoder(tower), 12],
  ["tfjs", () => createTfjsTextEncoder(tower, { backend: "wasm" }), 3],
];

describe.each(backends)(
  "context gradient through the %s text encoder",
  (_name, create) => {
    let encoder: DifferentiableTextEncoder;
    beforeAll(async () => {
      encoder = await create();
    });
    afterAll(async () => {
      await encoder.dispose();
    });

    test("matches central finite differences", async () => {
      const context = initLearnableContext(
        { ...config, initStd: 0.1 },
        tower.width,
      );
      const { embeddings, eot } = assembler.assemble(context);
      const features = await encoder.forward(embeddings, eot);
      const dE = await encoder.vjp(
        embeddings,
        eot,
        lossFeatureGradient(features),
      );
      const gradient = scatterContextGradient(layout, dE, tower.width);

      // Coordinates of each tensor, spread over rows and channels.
      const step = 1e-2;
      for (const name of ["normal", "abnormal"] as const) {
        const size = context[name].data.length;
        for (let k = 0; k < 12; k++) {
          const index = Math.floor(((k + 0.5) * size) / 12);
          const original = context[name].data[index];
          context[name].data[index] = original + step;
          const plus = await loss(encoder, context);
          context[name].data[index] = original - step;
          const minus = await loss(encoder, context);
          context[name].data[index] = original;
          const numeric = (plus - minus) / (2 * step);
          const analytic = gradient[name].data[index];
          // float32 losses near 1 carry ~1e-7 rounding, which the division by
          // 2·step turns into ~1e-5, and the O(step²) truncation term is of
          // the same order. Measured differences were at most 1.2e-4 on
          // gradients of size 0.1 to 0.7 and 2e-5 on the smaller
          // abnormal-context gradients.
          const tolerance = 2e-5 + 5e-3 * Math.abs(analytic);
          expect([
            name,
            index,
            Math.abs(numeric - analytic) <= tolerance,
          ]).toEqual([name, index, true]);
        }
      }
    });
  },
);
