import { jetColour } from "../../src/pipeline/heatmap";

describe("jetColour", () => {
  it("runs from dark blue to dark red", () => {
    expect(jetColour(0)).toEqual([0, 0, 128]);
    expect(jetColour(1)).toEqual([128, 0, 0]);
  });

  it("is green in the middle", () => {
    expect(jetColour(0.5)).toEqual([128, 255, 128]);
  });

  it("clamps values outside [0, 1]", () => {
    expect(jetColour(-3)).toEqual(jetColour(0));
    expect(jetColour(7)).toEqual(jetColour(1));
  });
});
