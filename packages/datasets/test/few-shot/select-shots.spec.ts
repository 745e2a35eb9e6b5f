import {
  drawShotIndices,
  MVTEC_REFERENCE_SHOTS,
  referenceShotIndices,
  selectShots,
  VISA_REFERENCE_SHOTS,
  benchmarkClasses,
  type ImageRecord,
} from "../../src/index";
import { recordingLogger } from "../helpers/logger";

function trainList(count: number, digits = 3): ImageRecord[] {
  return Array.from({ length: count }, (_, i) => {
    const name = `${String(i).padStart(digits, "0")}.png`;
    return {
      path: `/data/c/train/good/${name}`,
      relativePath: `c/train/good/${name}`,
      className: "c",
      split: "train" as const,
      label: 0 as const,
      defectType: "good",
      maskPath: null,
    };
  });
}

describe("reference shot tables", () => {
  test.each([
    ["mvtec", MVTEC_REFERENCE_SHOTS],
    ["visa", VISA_REFERENCE_SHOTS],
  ] as const)(
    "%s covers every class with 1, 2 and 4 shots",
    (benchmark, table) => {
      expect(Object.keys(table).sort()).toEqual(benchmarkClasses(benchmark));
      for (const row of Object.values(table)) {
        expect([row[1].length, row[2].length, row[4].length]).toEqual([
          1, 2, 4,
        ]);
      }
    },
  );

  test("bottle 1-shot is image 131", () => {
    expect(referenceShotIndices("mvtec", "bottle", 1)).toEqual([131]);
  });

  test("candle 4-shot keeps the published order", () => {
    expect(referenceShotIndices("visa", "candle", 4)).toEqual([
      315, 290, 591, 157,
    ]);
  });

  test("no published 3-shot selection", () => {
    expect(referenceShotIndices("mvtec", "bottle", 3)).toBeNull();
  });

  test("tables are frozen", () => {
    expect(Object.isFrozen(MVTEC_REFERENCE_SHOTS.bottle[1])).toBe(true);
    expect(Object.isFrozen(VISA_REFERENCE_SHOTS)).toBe(true);
  });

  test("returns a copy", () => {
    referenceShotIndices("mvtec", "bottle", 1)?.push(7);
    expect(referenceShotIndices("mvtec", "bottle", 1)).toEqual([131]);
  });
});

describe("drawShotIndices", () => {
  test("equal seeds give equal draws", () => {
    expect(drawShotIndices(100, 5, 42)).toEqual(drawShotIndices(100, 5, 42));
  });

  test("different seeds give different draws", () => {
    expect(drawShotIndices(100, 5, 1)).not.toEqual(drawShotIndices(100, 5, 2));
  });

  test("draws distinct positions in range", () => {
    const drawn = drawShotIndices(10, 10, 3);
    expect([...drawn].sort((a, b) => a - b)).toEqual([
      0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
    ]);
  });

  test("rejects k larger than the pool", () => {
    expect(() => drawShotIndices(3, 4, 0)).toThrow(
      /cannot draw 4 shots from 3/,
    );
  });
});

describe("selectShots", () => {
  test("uses the published selection", () => {
    const { selection, shots } = selectShots(trainList(209), "bottle", {
      k: 2,
      benchmark: "mvtec",
    });
    expect(selection.source).toBe("reference");
    expect(selection.indices).toEqual([101, 48]);
    expect(shots.map((s) => s.relativePath)).toEqual([
      "c/train/good/101.png",
      "c/train/good/048.png",
    ]);
    expect(selection.files).toEqual(shots.map((s) => s.relativePath));
  });

  test("draws for a folder dataset", () => {
    const { selection } = selectShots(trainList(50), "bottle", {
      k: 2,
      seed: 9,
    });
    expect(selection.source).toBe("seeded-random");
    expect(selection.seed).toBe(9);
    expect(selection.indices).toEqual(drawShotIndices(50, 2, 9));
  });

  test("forceRandom ignores the published selection", () => {
    const { selection } = selectShots(trainList(209), "bottle", {
      benchmark: "mvtec",
      forceRandom: true,
    });
    expect(selection.source).toBe("seeded-random");
  });

  test("partial copy falls back with a warning", () => {
    const logger = recordingLogger();
    const { selection } = selectShots(trainList(6), "bottle", {
      benchmark: "mvtec",
      logger,
    });
    expect(selection.source).toBe("seeded-random");
    expect(logger.warnings[0]).toMatch(/positions 131 of class "bottle"/);
  });

  test("k = all keeps every image", () => {
    const { selection } = selectShots(trainList(4), "x", { k: "all" });
    expect(selection.indices).toEqual([0, 1, 2, 3]);
    expect(selection.source).toBe("all");
  });

  test("empty training list is an error", () => {
    expect(() => selectShots([], "x")).toThrow(
      /class "x" has no training images/,
    );
  });
});
