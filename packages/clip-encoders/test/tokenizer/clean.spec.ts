import { cleanText, fixText } from "../../src/tokenizer/clean";

describe("cleanText", () => {
  test.each([
    ["A Photo Of A CAT.", "a photo of a cat."],
    ["  spaced   out\t\ttext \n", "spaced out text"],
    ["no\u00a0break\u3000ideographic", "no break ideographic"],
    ["next\u0085line", "next line"],
    ["&amp; &lt;b&gt;", "& <b>"],
    ["&amp;lt;", "<"],
    ["&amp;amp;amp;", "&amp;"],
    ["&nbsp;x&nbsp;", "x"],
    ["&eacute;t&eacute;", "été"],
    ["&#39;quoted&#x27;", "'quoted'"],
    ["&notit;", "¬it;"],
    ["ΣΑΣ", "σας"],
  ])("cleans %j", (raw, cleaned) => {
    expect(cleanText(raw)).toBe(cleaned);
  });

  test("keeps the byte-order mark out and zero-width space in", () => {
    // U+FEFF is a control character to ftfy and is removed; U+200B is not
    // whitespace to Python's regex and stays.
    expect(cleanText("a\ufeffb")).toBe("ab");
    expect(cleanText("a\u200bb")).toBe("a\u200bb");
  });
});

describe("fixText", () => {
  test.each([
    ["\u2018single\u2019 \u201cdouble\u201d \u02bcx", "'single' \"double\" 'x"],
    ["ﬁne ﬂow ĳ", "fine flow ij"],
    ["ＡＢＣ１２３！　x", "ABC123! x"],
    ["e\u0301", "\u00e9"],
    ["a\u0001b\u007fc", "abc"],
    ["line\r\nbreak\rmore", "line\nbreak\nmore"],
  ])("fixes %j", (raw, fixed) => {
    expect(fixText(raw)).toBe(fixed);
  });
});
