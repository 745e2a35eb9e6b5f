import { generateRandomWeights } from "../../src/checkpoint/random-weights";
import { causalMaskValues } from "../../src/text/causal-mask";
import { readTextTower } from "../../src/text/text-tower";
import { tinyArchitecture } from "./tiny-text-tower";

describe("readTextTower", () => {
  const architecture = tinyArchitecture("quick_gelu");
  const weights = generateRandomWeights(architecture, 2);

  it("reads dimensions and weights of test-tiny", () => {
    const tower = readTextTower(weights, architecture);

    expect(tower.width).toBe(32);
    expect(tower.heads).toBe(2);
    expect(tower.hiddenWidth).toBe(128);
    expect(tower.embedDim).toBe(24);
    expect(tower.activation).toBe("quick_gelu");
    expect(tower.blocks).toHaveLength(3);
    expect(tower.blocks[2].inProjWeight).toBe(
      weights.get("transformer.resblocks.2.attn.in_proj_weight")!.data,
    );
    expect(tower.textProjection).toBe(weights.get("text_projection")!.data);
  });

  it("names a missing weight", () => {
    const partial = new Map(weights);
    partial.delete("transformer.resblocks.1.mlp.c_fc.bias");

    expect(() => readTextTower(partial, architecture)).toThrow(
      /weight transformer\.resblocks\.1\.mlp\.c_fc\.bias is missing/,
    );
  });

  it("names a weight of the wrong shape", () => {
    const wrong = new Map(weights);
    wrong.set("text_projection", {
      shape: [24, 32],
      data: new Float32Array(24 * 32),
      sourceDtype: "F32",
    });

    expect(() => readTextTower(wrong, architecture)).toThrow(
      /text_projection should have shape \[32, 24\], got \[24, 32\]/,
    );
  });

  it("ignores the vision tower and token embedding", () => {
    const textOnly = new Map(
      [...weights].filter(
        ([key]) =>
          !key.startsWith("visual.") && key !== "token_embedding.weight",
      ),
    );

    expect(readTextTower(textOnly, architecture).blocks).toHaveLength(3);
  });
});

describe("causalMaskValues", () => {
  it("blocks keys after the query", () => {
    const minus = Number.NEGATIVE_INFINITY;
    expect(Array.from(causalMaskValues(3))).toEqual([
      0,
      minus,
      minus,
      0,
      0,
      minus,
      0,
      0,
      0,
    ]);
  });
});
