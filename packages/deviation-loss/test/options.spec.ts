import {
  booleanOption,
  choiceOption,
  describeOptions,
  LossConfigError,
  numberOption,
  parseOptions,
} from "../src";

describe("numberOption", () => {
  const rate = numberOption({
    description: "Rate.",
    default: 0.5,
    min: 0,
    max: 1,
    minExclusive: true,
  });

  test("accepts values in range", () => {
    expect(rate.parse(1)).toBe(1);
  });

  test("describes an open lower bound", () => {
    expect(rate.expected).toBe("a number in (0, 1]");
  });

  test.each([0, 1.01, "0.5", Number.POSITIVE_INFINITY, null])(
    "rejects %p",
    (value) => {
      expect(() => rate.parse(value)).toThrow(/expected a number in \(0, 1\]/);
    },
  );

  test("integer option rejects fractions", () => {
    const count = numberOption({
      description: "Count.",
      default: 3,
      min: 1,
      integer: true,
    });
    expect(count.expected).toBe("an integer >= 1");
    expect(() => count.parse(2.5)).toThrow(/expected an integer >= 1, got 2.5/);
  });

  test("rejects a default outside its own bounds", () => {
    expect(() =>
      numberOption({ description: "Bad.", default: -1, min: 0 }),
    ).toThrow(/expected a number >= 0, got -1/);
  });
});

describe("choiceOption", () => {
  const mode = choiceOption(["a", "b"] as const, "a", "Mode.");

  test("accepts a listed choice", () => {
    expect(mode.parse("b")).toBe("b");
  });

  test("lists the choices when rejecting", () => {
    expect(() => mode.parse("c")).toThrow('expected one of "a", "b", got "c"');
  });
});

describe("booleanOption", () => {
  test("rejects strings", () => {
    expect(() => booleanOption(true, "Flag.").parse("true")).toThrow(
      'expected true or false, got "true"',
    );
  });
});

describe("parseOptions", () => {
  const specs = {
    margin: numberOption({ description: "Margin.", default: 5, min: 0 }),
    mode: choiceOption(["x", "y"] as const, "x", "Mode."),
  };

  test("fills defaults", () => {
    expect(parseOptions("demo", specs, undefined)).toEqual({
      margin: 5,
      mode: "x",
    });
  });

  test("returns a frozen object", () => {
    expect(Object.isFrozen(parseOptions("demo", specs, { margin: 1 }))).toBe(
      true,
    );
  });

  test("unknown option lists the valid ones", () => {
    expect(() => parseOptions("demo", specs, { margn: 1 })).toThrow(
      'unknown option "margn" of loss module "demo". Valid options of "demo": ' +
        'margin (a number >= 0), mode (one of "x", "y").',
    );
  });

  test("invalid value names module, option and value", () => {
    expect(() => parseOptions("demo", specs, { margin: -2 })).toThrow(
      'invalid option "margin" of loss module "demo": expected a number >= 0, got -2.',
    );
  });

  test("rejects a non-object", () => {
    expect(() => parseOptions("demo", specs, [1])).toThrow(LossConfigError);
  });

  test("describeOptions says none for no options", () => {
    expect(describeOptions({})).toBe("none");
  });
});
