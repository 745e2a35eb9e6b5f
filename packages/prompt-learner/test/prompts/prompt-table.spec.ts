import { PromptTable, fillClassSlot, validatePhrase } from "../../src";

describe("PromptTable.promptad", () => {
  const table = PromptTable.promptad();

  test("has the eight generic state phrases in order", () => {
    expect(table.genericStates()).toEqual([
      "damaged {}",
      "flawed {}",
      "abnormal {}",
      "imperfect {}",
      "blemished {}",
      "{} with flaw",
      "{} with defect",
      "{} with damage",
    ]);
  });

  test("covers every MVTec AD and VisA class", () => {
    const classes = [
      ...PromptTable.mvtecAdClasses(),
      ...PromptTable.visaClasses(),
    ];
    expect(PromptTable.mvtecAdClasses()).toHaveLength(15);
    expect(PromptTable.visaClasses()).toHaveLength(12);
    for (const key of classes) {
      expect(table.classStates(key).length).toBeGreaterThan(0);
    }
    expect(table.classKeys()).toEqual([...classes].sort());
  });

  test("bottle phrases follow the generic ones", () => {
    const states = table.anomalyStates("bottle");
    expect(states).toHaveLength(11);
    expect(states.slice(8)).toEqual([
      "{} with large breakage",
      "{} with small breakage",
      "{} with contamination",
    ]);
  });

  test("phrase counts per class match the reference table", () => {
    const counts: Record<string, number> = {
      bottle: 3,
      toothbrush: 2,
      carpet: 6,
      hazelnut: 4,
      leather: 5,
      cable: 5,
      capsule: 5,
      grid: 6,
      pill: 6,
      transistor: 4,
      metal_nut: 4,
      screw: 3,
      zipper: 6,
      tile: 5,
      wood: 4,
      candle: 7,
      capsules: 5,
      cashew: 5,
      chewinggum: 5,
      fryum: 6,
      macaroni1: 5,
      macaroni2: 5,
      pcb1: 4,
      pcb2: 4,
      pcb3: 4,
      pcb4: 7,
      pipe_fryum: 6,
    };
    for (const [key, count] of Object.entries(counts)) {
      expect([key, table.classStates(key).length]).toEqual([key, count]);
    }
  });

  test.each([
    ["metal_nut", "metal nut"],
    ["pcb1", "printed circuit board"],
    ["pcb4", "printed circuit board"],
    ["macaroni1", "macaroni"],
    ["macaroni2", "macaroni"],
    ["pipe_fryum", "pipe fryum"],
    ["chewinggum", "chewing gum"],
    ["bottle", "bottle"],
    ["capsules", "capsules"],
    ["unlisted_part", "unlisted_part"],
  ])("display name of %s is %s", (key, name) => {
    expect(table.displayName(key)).toBe(name);
  });

  test("every built-in phrase has one class slot", () => {
    for (const key of table.classKeys()) {
      for (const phrase of table.anomalyStates(key)) {
        expect(validatePhrase(phrase, key)).toBe(phrase);
      }
    }
  });

  test("getters return copies", () => {
    table.genericStates().push("{} extra");
    table.classStates("bottle").pop();
    table.toData().classNames.bottle = "jar";
    expect(table.genericStates()).toHaveLength(8);
    expect(table.classStates("bottle")).toHaveLength(3);
    expect(table.displayName("bottle")).toBe("bottle");
  });

  test("unknown class is an error that says how to add it", () => {
    expect(() => table.classStates("gear")).toThrow(
      /no anomaly state phrases for class "gear".*prompt-table JSON/,
    );
  });
});

describe("PromptTable.extend", () => {
  const base = PromptTable.promptad();

  test("adds a class with a name and phrases", () => {
    const table = base.extend({
      classes: {
        gear: { name: "spur gear", states: ["{} with missing tooth"] },
      },
    });
    expect(table.displayName("gear")).toBe("spur gear");
    expect(table.anomalyStates("gear")).toHaveLength(9);
    expect(base.hasClass("gear")).toBe(false);
  });

  test("appends to a known class by default", () => {
    const table = base.extend({
      classes: { bottle: { states: ["{} with dent"] } },
    });
    expect(table.classStates("bottle")).toEqual([
      "{} with large breakage",
      "{} with small breakage",
      "{} with contamination",
      "{} with dent",
    ]);
  });

  test("replaces phrases when asked", () => {
    const table = base.extend({
      classes: { bottle: { states: ["{} with dent"], replaceStates: true } },
    });
    expect(table.classStates("bottle")).toEqual(["{} with dent"]);
  });

  test("an empty phrase list uses generic phrases only", () => {
    const table = base.extend({ classes: { gear: { states: [] } } });
    expect(table.anomalyStates("gear")).toEqual(base.genericStates());
  });

  test("replaces the generic phrases", () => {
    const table = base.extend({ genericStates: ["broken {}"] });
    expect(table.anomalyStates("bottle")[0]).toBe("broken {}");
    expect(table.anomalyStates("bottle")).toHaveLength(4);
  });

  test.each([
    ["no slot", "with crack"],
    ["two slots", "{} and {}"],
    ["stray brace", "{} with {crack"],
    ["empty", "  "],
  ])("rejects a phrase with %s", (_case, phrase) => {
    expect(() =>
      base.extend({ classes: { gear: { states: [phrase] } } }, "my.json"),
    ).toThrow(/my\.json: classes\.gear\.states\[0\]: expected/);
  });

  test("rejects a class key with spaces", () => {
    expect(() => base.extend({ classes: { "spur gear": {} } })).toThrow(
      /invalid class key "spur gear"/,
    );
  });

  test("rejects a display name with braces", () => {
    expect(() => base.extend({ classes: { gear: { name: "{}" } } })).toThrow(
      /classes\.gear\.name: expected a non-empty class name/,
    );
  });
});

describe("PromptTable.fromData", () => {
  test("round-trips through toData", () => {
    const data = PromptTable.promptad().toData();
    expect(PromptTable.fromData(data).toData()).toEqual(data);
  });

  test("knows a class that has only a display name", () => {
    const table = PromptTable.fromData({
      genericStates: ["bad {}"],
      classStates: {},
      classNames: { gear: "spur gear" },
    });
    expect(table.anomalyStates("gear")).toEqual(["bad {}"]);
  });
});

test("fillClassSlot replaces the slot", () => {
  expect(fillClassSlot("{} with crack", "metal nut")).toBe(
    "metal nut with crack",
  );
  expect(fillClassSlot("damaged {}", "pcb")).toBe("damaged pcb");
});
