import { assertKnownClass, benchmarkClasses } from "../src/index";

describe("benchmarkClasses", () => {
  test("MVTec AD has 15 classes", () => {
    expect(benchmarkClasses("mvtec")).toHaveLength(15);
  });

  test("VisA has 12 classes", () => {
    expect(benchmarkClasses("visa")).toHaveLength(12);
  });

  test("returns a copy", () => {
    const classes = benchmarkClasses("mvtec");
    classes.pop();
    expect(benchmarkClasses("mvtec")).toHaveLength(15);
  });
});

describe("assertKnownClass", () => {
  test("accepts a known class", () => {
    expect(() => assertKnownClass("visa", "pipe_fryum")).not.toThrow();
  });

  test("unknown class lists the known ones", () => {
    expect(() => assertKnownClass("mvtec", "bottel")).toThrow(
      /unknown MVTec AD class "bottel"; known classes: bottle, cable/,
    );
  });

  test("VisA class is unknown to MVTec AD", () => {
    expect(() => assertKnownClass("mvtec", "candle")).toThrow(/zipper/);
  });
});
