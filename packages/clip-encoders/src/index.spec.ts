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
