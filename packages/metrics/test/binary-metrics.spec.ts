import {
  auroc,
  averagePrecision,
  binaryMetrics,
  f1Max,
} from "../src/binary-metrics";
import { SAME_MATHS, expectClose } from "./support/tolerance";
import { seededRandom } from "./support/random";

/** AUROC as the probability that a positive outscores a negative (ties 1/2). */
function pairwiseAuroc(scores: number[], labels: number[]): number {
  let wins = 0;
  let pairs = 0;
  scores.forEach((positive, a) => {
    if (labels[a] !== 1) return;
    scores.forEach((negative, b) => {
      if (labels[b] !== 0) return;
      pairs++;
      if (positive > negative) wins += 1;
      else if (positive === negative) wins += 0.5;
    });
  });
  return wins / pairs;
}

/** Precision and recall at every distinct threshold, highest first. */
function precisionRecallPoints(
  scores: number[],
  labels: number[],
): { precision: number; recall: number; threshold: number }[] {
  const positives = labels.filter((label) => label === 1).length;
  const thresholds = [...new Set(scores)].sort((a, b) => b - a);
  return thresholds.map((threshold) => {
    let tp = 0;
    let predicted = 0;
    scores.forEach((score, k) => {
      if (score < threshold) return;
      predicted++;
      if (labels[k] === 1) tp++;
    });
    return { precision: tp / predicted, recall: tp / positives, threshold };
  });
}

/** Average precision straight from its definition, sum (R_n - R_(n-1)) P_n. */
function definitionAveragePrecision(
  scores: number[],
  labels: number[],
): number {
  let previousRecall = 0;
  let sum = 0;
  for (const { precision, recall } of precisionRecallPoints(scores, labels)) {
    sum += (recall - previousRecall) * precision;
    previousRecall = recall;
  }
  return sum;
}

/** F1-max by evaluating 2PR / (P + R) at every threshold. */
function definitionF1Max(scores: number[], labels: number[]): number {
  let best = 0;
  for (const { precision, recall } of precisionRecallPoints(scores, labels)) {
    if (precision + recall > 0) {
      best = Math.max(best, (2 * precision * recall) / (precision + recall));
    }
  }
  return best;
}

function randomCase(
  seed: number,
  size: number,
  levels: number,
): { scores: number[]; labels: number[] } {
  const random = seededRandom(seed);
  const labels = Array.from({ length: size }, () => (random() < 0.3 ? 1 : 0));
  // Rounding to a few levels creates many ties; positives score higher on
  // average so the AUROC is away from 0.5.
  const scores = labels.map(
    (label) => Math.round((random() + 0.4 * label) * levels) / levels,
  );
  return { scores, labels };
}

describe("binaryMetrics hand-computed values", () => {
  const scores = [0.1, 0.4, 0.35, 0.8];
  const labels = [0, 0, 1, 1];

  test("AUROC counts 3 of 4 ordered pairs", () => {
    expect(auroc(scores, labels).value).toBe(0.75);
  });

  test("average precision steps at recall 1/2 and 1", () => {
    // Thresholds 0.8: P = 1, R = 1/2; 0.35: P = 2/3, R = 1.
    expectClose(
      averagePrecision(scores, labels).value,
      0.5 * 1 + 0.5 * (2 / 3),
      SAME_MATHS,
      "AP",
    );
  });

  test("F1-max picks threshold 0.35", () => {
    // At 0.35: P = 2/3, R = 1, so F1 = 0.8.
    const result = f1Max(scores, labels);
    expectClose(result.value, 0.8, SAME_MATHS, "F1-max");
    expect(result.threshold).toBe(0.35);
  });

  test("tie between classes counts one half", () => {
    // Positives {2, 3}, negatives {1, 2}: pairs 1 + 1/2 + 1 + 1 of 4.
    expect(auroc([1, 2, 2, 3], [0, 0, 1, 1]).value).toBe(0.875);
    expectClose(
      averagePrecision([1, 2, 2, 3], [0, 0, 1, 1]).value,
      0.5 + 0.5 * (2 / 3),
      SAME_MATHS,
      "AP with a tie",
    );
  });

  test("inverted ranking gives AUROC 0", () => {
    const result = binaryMetrics([0, 1, 2, 3], [1, 1, 0, 0]);
    expect(result.auroc.value).toBe(0);
    // Thresholds 1: P = 1/3, R = 1/2; 0: P = 1/2, R = 1.
    expectClose(
      result.averagePrecision.value,
      0.5 / 3 + 0.25,
      SAME_MATHS,
      "AP inverted",
    );
  });

  test("perfect ranking gives 1 everywhere", () => {
    const result = binaryMetrics([0.1, 0.2, 0.9, 0.95], [0, 0, 1, 1]);
    expect(result.auroc.value).toBe(1);
    expect(result.averagePrecision.value).toBe(1);
    expect(result.f1Max.value).toBe(1);
    expect(result.f1Max.threshold).toBe(0.9);
  });
});

describe("binaryMetrics constant and tied scores", () => {
  test("constant scores give AUROC 1/2", () => {
    expect(auroc([0.5, 0.5, 0.5, 0.5, 0.5], [0, 1, 0, 0, 1]).value).toBe(0.5);
  });

  test("constant scores give AP equal to the positive rate", () => {
    expectClose(
      averagePrecision([7, 7, 7, 7, 7], [0, 1, 0, 0, 1]).value,
      0.4,
      SAME_MATHS,
      "AP",
    );
  });

  test("constant scores give F1 of predicting all positive", () => {
    // P = 2/5, R = 1: F1 = 2 * 2 / (2 + 5).
    expectClose(
      f1Max([7, 7, 7, 7, 7], [0, 1, 0, 0, 1]).value,
      4 / 7,
      SAME_MATHS,
      "F1",
    );
  });

  test("-0 and +0 form one threshold", () => {
    expect(auroc([-0, 0], [0, 1]).value).toBe(0.5);
  });
});

describe("binaryMetrics against definitions", () => {
  const cases = [
    { seed: 1, size: 10, levels: 4 },
    { seed: 2, size: 57, levels: 10 },
    { seed: 3, size: 300, levels: 20 },
    { seed: 4, size: 400, levels: 1e9 },
  ];

  test.each(cases)(
    "seed $seed, $size samples, $levels levels",
    ({ seed, size, levels }) => {
      const { scores, labels } = randomCase(seed, size, levels);
      const result = binaryMetrics(scores, labels);

      expectClose(
        result.auroc.value,
        pairwiseAuroc(scores, labels),
        SAME_MATHS,
        "AUROC",
      );
      expectClose(
        result.averagePrecision.value,
        definitionAveragePrecision(scores, labels),
        SAME_MATHS,
        "AP",
      );
      expectClose(
        result.f1Max.value,
        definitionF1Max(scores, labels),
        SAME_MATHS,
        "F1-max",
      );
    },
  );

  test("permuting samples changes nothing", () => {
    const { scores, labels } = randomCase(5, 200, 8);
    const order = scores.map((_, k) => k).reverse();
    const permuted = binaryMetrics(
      order.map((k) => scores[k]),
      order.map((k) => labels[k]),
    );
    const original = binaryMetrics(scores, labels);
    expect(permuted.auroc.value).toBe(original.auroc.value);
    expect(permuted.averagePrecision.value).toBe(
      original.averagePrecision.value,
    );
    expect(permuted.f1Max).toEqual(original.f1Max);
  });

  test("boolean labels equal 0/1 labels", () => {
    const { scores, labels } = randomCase(6, 50, 5);
    expect(
      binaryMetrics(
        scores,
        labels.map((label) => label === 1),
      ),
    ).toEqual(binaryMetrics(scores, labels));
  });
});

describe("binaryMetrics undefined cases", () => {
  test("no positives gives NaN with reasons", () => {
    const result = binaryMetrics([0.1, 0.2], [0, 0]);
    expect(result.auroc.value).toBeNaN();
    expect(result.auroc.reason).toMatch(/0 positives and 2 negatives/);
    expect(result.averagePrecision.value).toBeNaN();
    expect(result.averagePrecision.reason).toMatch(/positive/);
    expect(result.f1Max.value).toBeNaN();
    expect(result.f1Max.threshold).toBeNaN();
  });

  test("no negatives leaves AP and F1 defined", () => {
    const result = binaryMetrics([0.1, 0.2], [1, 1]);
    expect(result.auroc.value).toBeNaN();
    expect(result.auroc.reason).toMatch(/negative/);
    expect(result.averagePrecision).toEqual({ value: 1 });
    expect(result.f1Max.value).toBe(1);
  });

  test("empty input gives NaN", () => {
    expect(auroc([], []).value).toBeNaN();
  });

  test("defined values carry no reason", () => {
    expect(auroc([0, 1], [0, 1])).toEqual({ value: 1 });
  });
});

describe("binaryMetrics input errors", () => {
  test("NaN score names its index", () => {
    expect(() => auroc([0.1, Number.NaN], [0, 1])).toThrow(/index 1 is NaN/);
  });

  test("infinite score names its index", () => {
    expect(() => auroc([Number.POSITIVE_INFINITY, 0], [0, 1])).toThrow(
      /index 0 is Infinity/,
    );
  });

  test("label 2 is rejected", () => {
    expect(() => auroc([0.1, 0.2], [0, 2])).toThrow(/label at index 1 is 2/);
  });

  test("length mismatch is rejected", () => {
    expect(() => auroc([0.1, 0.2], [0])).toThrow(/2 scores and 1 labels/);
  });
});
