import type { TextTower } from "../../src/text/text-tower";

/**
 * Plain float64 loop implementation of the text tower, written independently
 * of both backends (no batching, no flat residual stream, no one-hot gather),
 * so that central finite differences on it are accurate to about 1e-9.
 *
 * @returns features, `prompts × embedDim`
 */
export function referenceForward(
  tower: TextTower,
  embeddings: ArrayLike<number>,
  eot: ArrayLike<number>,
  tokens: number,
): Float64Array {
  const { width, embedDim } = tower;
  const prompts = eot.length;
  const features = new Float64Array(prompts * embedDim);

  for (let p = 0; p < prompts; p++) {
    // Only positions up to the end-of-text token can reach it through the
    // causal mask, but this reference runs every position on purpose.
    let x: number[][] = [];
    for (let t = 0; t < tokens; t++) {
      const row: number[] = [];
      for (let c = 0; c < width; c++) {
        row.push(
          embeddings[(p * tokens + t) * width + c] +
            tower.positionalEmbedding[t * width + c],
        );
      }
      x.push(row);
    }

    for (const block of tower.blocks) {
      const normed = x.map((row) =>
        layerNorm(row, block.ln1, tower.layerNormEpsilon),
      );
      const attended = attention(tower, block, normed);
      x = x.map((row, t) => row.map((value, c) => value + attended[t][c]));

      const normed2 = x.map((row) =>
        layerNorm(row, block.ln2, tower.layerNormEpsilon),
      );
      x = x.map((row, t) => {
        const hidden = linear(
          normed2[t],
          block.fcWeight,
          block.fcBias,
          tower.hiddenWidth,
        );
        const activated = hidden.map((h) => activate(h, tower.activation));
        const out = linear(activated, block.projWeight, block.projBias, width);
        return row.map((value, c) => value + out[c]);
      });
    }

    const pooled = layerNorm(x[eot[p]], tower.lnFinal, tower.layerNormEpsilon);
    for (let e = 0; e < embedDim; e++) {
      let sum = 0;
      for (let c = 0; c < width; c++) {
        sum += pooled[c] * tower.textProjection[c * embedDim + e];
      }
      features[p * embedDim + e] = sum;
    }
  }
  return features;
}

function attention(
  tower: TextTower,
  block: TextTower["blocks"][number],
  x: number[][],
): number[][] {
  const { width, heads } = tower;
  const headDim = width / heads;
  const qkv = x.map((row) =>
    linear(row, block.inProjWeight, block.inProjBias, 3 * width),
  );
  const merged = x.map(() => new Array<number>(width).fill(0));

  for (let h = 0; h < heads; h++) {
    const offset = h * headDim;
    for (let i = 0; i < x.length; i++) {
      // Query i attends to keys 0..i only (causal mask).
      const scores: number[] = [];
      for (let j = 0; j <= i; j++) {
        let dot = 0;
        for (let c = 0; c < headDim; c++) {
          dot += qkv[i][offset + c] * qkv[j][width + offset + c];
        }
        scores.push(dot / Math.sqrt(headDim));
      }
      const top = Math.max(...scores);
      const weights = scores.map((s) => Math.exp(s - top));
      const total = weights.reduce((a, b) => a + b, 0);
      for (let j = 0; j <= i; j++) {
        for (let c = 0; c < headDim; c++) {
          merged[i][offset + c] +=
            (weights[j] / total) * qkv[j][2 * width + offset + c];
        }
      }
    }
  }
  return merged.map((row) =>
    linear(row, block.outProjWeight, block.outProjBias, width),
  );
}

function linear(
  x: number[],
  weight: Float32Array,
  bias: Float32Array,
  outputs: number,
): number[] {
  const inputs = x.length;
  const out: number[] = [];
  for (let o = 0; o < outputs; o++) {
    let sum = bias[o];
    for (let i = 0; i < inputs; i++) {
      sum += weight[o * inputs + i] * x[i];
    }
    out.push(sum);
  }
  return out;
}

function layerNorm(
  x: number[],
  weights: { weight: Float32Array; bias: Float32Array },
  epsilon: number,
): number[] {
  const mean = x.reduce((a, b) => a + b, 0) / x.length;
  const variance = x.reduce((a, b) => a + (b - mean) ** 2, 0) / x.length;
  const scale = 1 / Math.sqrt(variance + epsilon);
  return x.map(
    (value, c) => (value - mean) * scale * weights.weight[c] + weights.bias[c],
  );
}

function activate(x: number, activation: TextTower["activation"]): number {
  if (activation === "gelu") {
    return 0.5 * x * (1 + erf(x / Math.SQRT2));
  }
  return x / (1 + Math.exp(-1.702 * x));
}

/**
 * erf by its Maclaurin series for |x| < 3 and the asymptotic continued
 * fraction beyond; both are accurate to about 1e-15 in that range.
 */
export function erf(x: number): number {
  const sign = Math.sign(x);
  const a = Math.abs(x);
  if (a < 3) {
    let term = a;
    let sum = a;
    for (let n = 1; n < 100; n++) {
      term *= (-a * a) / n;
      const next = term / (2 * n + 1);
      sum += next;
      if (Math.abs(next) < 1e-17 * Math.abs(sum)) {
        break;
      }
    }
    return (sign * 2 * sum) / Math.sqrt(Math.PI);
  }

  // erfc(a) = exp(-a²)/√π · 1/(a + (1/2)/(a + (2/2)/(a + (3/2)/(a + ...)))),
  // evaluated from the innermost level outwards.
  let fraction = 0;
  for (let n = 60; n >= 1; n--) {
    fraction = n / 2 / (a + fraction);
  }
  const erfc = Math.exp(-a * a) / Math.sqrt(Math.PI) / (a + fraction);
  return sign * (1 - erfc);
}
