import {
  PromptTable,
  buildPromptTexts,
  resolvePromptTemplates,
} from "../../src";

const table = PromptTable.promptad();

describe("buildPromptTexts with the promptad style", () => {
  test("bottle suffixes match the reference prompt strings", () => {
    const texts = buildPromptTexts("bottle", table);
    expect(texts.className).toBe("bottle");
    expect(texts.normal).toEqual(["bottle."]);
    expect(texts.manualAbnormal).toEqual([
      "damaged bottle.",
      "flawed bottle.",
      "abnormal bottle.",
      "imperfect bottle.",
      "blemished bottle.",
      "bottle with flaw.",
      "bottle with defect.",
      "bottle with damage.",
      "bottle with large breakage.",
      "bottle with small breakage.",
      "bottle with contamination.",
    ]);
    expect(texts.learnedAbnormal).toEqual(["bottle."]);
  });

  test("uses the mapped class name", () => {
    const texts = buildPromptTexts("pcb2", table);
    expect(texts.normal).toEqual(["printed circuit board."]);
    expect(texts.manualAbnormal[8]).toBe("printed circuit board with bent.");
  });

  test("keeps the reference spacing of metal_nut", () => {
    const texts = buildPromptTexts("metal_nut", table);
    expect(texts.manualAbnormal[8]).toBe("metal nut with a bent shape .");
  });

  test("needs the class in the table", () => {
    expect(() => buildPromptTexts("gear", table)).toThrow(/class "gear"/);
  });
});

describe("buildPromptTexts with the devprompt style", () => {
  test("uses the photo wording and no state phrases", () => {
    const texts = buildPromptTexts("metal_nut", table, { style: "devprompt" });
    expect(texts.normal).toEqual(["a photo of a normal metal nut."]);
    expect(texts.manualAbnormal).toEqual(["a photo of a defective metal nut."]);
    expect(texts.learnedAbnormal).toEqual(["metal nut."]);
  });

  test("works for a class without phrases", () => {
    const texts = buildPromptTexts("gear", table, { style: "devprompt" });
    expect(texts.normal).toEqual(["a photo of a normal gear."]);
  });

  test("adds state phrases after its own wording when asked", () => {
    const texts = buildPromptTexts("bottle", table, {
      style: "devprompt",
      templates: { statePhrases: true },
    });
    expect(texts.manualAbnormal).toHaveLength(12);
    expect(texts.manualAbnormal[0]).toBe("a photo of a defective bottle.");
    expect(texts.manualAbnormal[1]).toBe("damaged bottle.");
  });

  test("takes a learned abnormal template override", () => {
    const texts = buildPromptTexts("bottle", table, {
      style: "devprompt",
      templates: { learnedAbnormal: ["a photo of a {}."] },
    });
    expect(texts.learnedAbnormal).toEqual(["a photo of a bottle."]);
  });
});

describe("resolvePromptTemplates", () => {
  test("returns copies", () => {
    resolvePromptTemplates({ style: "promptad" }).normal.push("x {}");
    expect(resolvePromptTemplates({ style: "promptad" }).normal).toEqual([
      "{}.",
    ]);
  });

  test("rejects an unknown style", () => {
    expect(() =>
      resolvePromptTemplates({ style: "coop" as unknown as "promptad" }),
    ).toThrow(
      /unknown prompt style "coop"; expected one of promptad, devprompt/,
    );
  });

  test("rejects a template without a slot", () => {
    expect(() =>
      resolvePromptTemplates({
        style: "promptad",
        templates: { normal: ["a photo."] },
      }),
    ).toThrow(/prompt style promptad: normal\[0\]: expected exactly one/);
  });

  test("rejects an empty manual abnormal group", () => {
    expect(() =>
      resolvePromptTemplates({
        style: "devprompt",
        templates: { manualAbnormal: [] },
      }),
    ).toThrow(/no manual abnormal prompts/);
  });

  test("rejects an empty normal group", () => {
    expect(() =>
      resolvePromptTemplates({ style: "promptad", templates: { normal: [] } }),
    ).toThrow(/must not be empty/);
  });
});
