import { getArchitecture } from "../../src/architecture/registry";
import { expectedWeightShapes } from "../../src/architecture/weight-shapes";

/** Parameter count of one residual block of width w with a 4w MLP. */
function blockParameters(w: number): number {
  const attention = 3 * w * w + 3 * w + w * w + w;
  const mlp = 4 * w * w + 4 * w + 4 * w * w + w;
  const norms = 4 * w;
  return attention + mlp + norms;
}

describe("expectedWeightShapes", () => {
  const arch = getArchitecture("ViT-B-16-plus-240");
  const shapes = expectedWeightShapes(arch);

  test("vision stem shapes", () => {
    expect(shapes.get("visual.class_embedding")).toEqual([896]);
    expect(shapes.get("visual.positional_embedding")).toEqual([226, 896]);
    expect(shapes.get("visual.conv1.weight")).toEqual([896, 3, 16, 16]);
    expect(shapes.get("visual.ln_pre.weight")).toEqual([896]);
    expect(shapes.get("visual.proj")).toEqual([896, 640]);
  });

  test("vision block shapes", () => {
    const p = "visual.transformer.resblocks.11";
    expect(shapes.get(`${p}.attn.in_proj_weight`)).toEqual([2688, 896]);
    expect(shapes.get(`${p}.attn.in_proj_bias`)).toEqual([2688]);
    expect(shapes.get(`${p}.attn.out_proj.weight`)).toEqual([896, 896]);
    expect(shapes.get(`${p}.mlp.c_fc.weight`)).toEqual([3584, 896]);
    expect(shapes.get(`${p}.mlp.c_fc.bias`)).toEqual([3584]);
    expect(shapes.get(`${p}.mlp.c_proj.weight`)).toEqual([896, 3584]);
    expect(shapes.get(`${p}.ln_2.bias`)).toEqual([896]);
    expect(shapes.has("visual.transformer.resblocks.12.ln_1.weight")).toBe(
      false,
    );
  });

  test("text shapes", () => {
    expect(shapes.get("token_embedding.weight")).toEqual([49408, 640]);
    expect(shapes.get("positional_embedding")).toEqual([77, 640]);
    expect(shapes.get("transformer.resblocks.0.attn.in_proj_weight")).toEqual([
      1920, 640,
    ]);
    expect(shapes.get("ln_final.bias")).toEqual([640]);
    expect(shapes.get("text_projection")).toEqual([640, 640]);
    expect(shapes.get("logit_scale")).toEqual([]);
  });

  test("key count is 12 per block plus the stems", () => {
    // Vision stem 5 keys + ln_post 2 + proj 1; text stem 2 + ln_final 2 +
    // text_projection 1 + logit_scale 1.
    expect(shapes.size).toBe(12 * 12 + 8 + 12 * 12 + 6);
  });

  test("parameter count matches a hand count", () => {
    let total = 0;
    for (const shape of shapes.values()) {
      total += shape.reduce((a, b) => a * b, 1);
    }
    const vision =
      896 +
      226 * 896 +
      896 * 3 * 256 +
      2 * 896 +
      12 * blockParameters(896) +
      2 * 896 +
      896 * 640;
    const text =
      49408 * 640 +
      77 * 640 +
      12 * blockParameters(640) +
      2 * 640 +
      640 * 640 +
      1;
    expect(total).toBe(vision + text);
  });

  test("returns a new map on every call", () => {
    const first = expectedWeightShapes(arch);
    first.get("visual.proj")![0] = 1;
    first.delete("logit_scale");
    const second = expectedWeightShapes(arch);
    expect(second.get("visual.proj")).toEqual([896, 640]);
    expect(second.has("logit_scale")).toBe(true);
  });
});
