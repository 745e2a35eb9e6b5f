import {
  cosineAnnealingLearningRate,
  cosineAnnealingSchedule,
} from "../../src/train/cosine-annealing";
import { readJsonFixture } from "../support/fixtures";
import {
  OPTIM_TOLERANCE,
  expectAllClose,
  expectClose,
} from "../support/tolerance";
import type { OptimFixture } from "./optim-fixture";

describe("cosineAnnealingLearningRate", () => {
  const options = {
    baseLearningRate: 0.002,
    minLearningRate: 1e-5,
    periodEpochs: 100,
  };

  it("starts at the base rate", () => {
    expect(cosineAnnealingLearningRate(0, options)).toBe(0.002);
  });

  it("is halfway at half the period", () => {
    expectClose(
      cosineAnnealingLearningRate(50, options),
      (0.002 + 1e-5) / 2,
      OPTIM_TOLERANCE,
    );
  });

  it("reaches the minimum only after the last epoch", () => {
    const last = cosineAnnealingLearningRate(99, options);
    // η_99 = η_min + (η_0 − η_min)(1 + cos(0.99π))/2 ≈ 1.0491e-5
    expect(last).toBeGreaterThan(1e-5);
    expectClose(
      last,
      1e-5 + ((0.002 - 1e-5) * (1 + Math.cos(0.99 * Math.PI))) / 2,
      OPTIM_TOLERANCE,
    );
    expectClose(
      cosineAnnealingLearningRate(100, options),
      1e-5,
      OPTIM_TOLERANCE,
    );
  });

  it("decreases monotonically over the period", () => {
    const schedule = cosineAnnealingSchedule(100, 0.002, 1e-5);
    for (let e = 1; e < schedule.length; e++)
      expect(schedule[e]).toBeLessThan(schedule[e - 1]);
  });

  it("rejects a negative epoch", () => {
    expect(() => cosineAnnealingLearningRate(-1, options)).toThrow(
      /epoch must be an integer ≥ 0, got -1/,
    );
  });

  it("rejects a period of 0", () => {
    expect(() =>
      cosineAnnealingLearningRate(0, { ...options, periodEpochs: 0 }),
    ).toThrow(/periodEpochs/);
  });

  describe("against torch.optim.lr_scheduler.CosineAnnealingLR", () => {
    const fixture = readJsonFixture<OptimFixture>("sgd-cosine.json");
    it.each(
      fixture.runs.map(
        (r) => [`${r.epochs} epochs from ${r.lr} to ${r.etaMin}`, r] as const,
      ),
    )("%s", (_, run) => {
      expectAllClose(
        cosineAnnealingSchedule(run.epochs, run.lr, run.etaMin),
        run.lrs,
        OPTIM_TOLERANCE,
        "lrs",
      );
      const after = cosineAnnealingLearningRate(run.epochs, {
        baseLearningRate: run.lr,
        minLearningRate: run.etaMin,
        periodEpochs: run.epochs,
      });
      expectClose(
        after,
        run.lrAfterLastStep,
        OPTIM_TOLERANCE,
        "lr after the last step",
      );
    });
  });
});
