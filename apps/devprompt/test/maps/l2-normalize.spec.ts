import { l2NormalizeRows } from "../../src/maps/l2-normalize";

describe("l2NormalizeRows", () => {
  it("divides each row by its norm", () => {
    const out = l2NormalizeRows(Float32Array.from([3, 4, 0, -2]), 2, 2);
    expect(Array.from(out)).toEqual([
      0.6000000238418579, 0.800000011920929, 0, -1,
    ]);
  });

  it("leaves a zero row at zero", () => {
    const out = l2NormalizeRows(Float32Array.from([0, 0, 1, 0]), 2, 2);
    expect(Array.from(out)).toEqual([0, 0, 1, 0]);
  });

  it("does not modify its input", () => {
    const input = Float32Array.from([3, 4]);
    l2NormalizeRows(input, 1, 2);
    expect(Array.from(input)).toEqual([3, 4]);
  });
});
