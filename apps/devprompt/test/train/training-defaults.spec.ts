import { defaultTrainingHyperparameters } from "../../src/train/training-defaults";

describe("defaultTrainingHyperparameters", () => {
  it("holds the PromptAD defaults", () => {
    expect(defaultTrainingHyperparameters()).toEqual({
      epochs: 100,
      learningRate: 0.002,
      minLearningRate: 1e-5,
      momentum: 0.9,
      weightDecay: 5e-4,
      seed: 111,
    });
  });

  it("returns a new copy each call", () => {
    const first = defaultTrainingHyperparameters();
    first.epochs = 3;
    expect(defaultTrainingHyperparameters().epochs).toBe(100);
  });
});
