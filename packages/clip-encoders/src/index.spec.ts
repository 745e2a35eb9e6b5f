import * as api from "./index";

test("public entry exposes the registry and weight shapes", () => {
  expect(api.getArchitecture("test-tiny").name).toBe("test-tiny");
  expect(api.listArchitectures()).toContain("ViT-B-16-plus-240");
  expect(
    api
      .expectedWeightShapes(api.getArchitecture("test-tiny"))
      .get("logit_scale"),
  ).toEqual([]);
});

test("public entry exposes checkpoints and the tokenizer", () => {
  expect(typeof api.loadCheckpoint).toBe("function");
  expect(typeof api.writeRandomCheckpoint).toBe("function");
  expect(api.ClipTokenizer.fromPackage().encode("a cat")).toEqual([320, 2368]);
});
