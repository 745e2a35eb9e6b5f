import { formatCsv } from "../../src/io/csv";

describe("formatCsv", () => {
  it("writes a header and rows", () => {
    expect(formatCsv(["file", "label", "score"], [["a.png", 1, 0.25]])).toBe(
      "file,label,score\na.png,1,0.25\n",
    );
  });

  it("quotes fields with commas, quotes and newlines", () => {
    expect(formatCsv(["name"], [["a,b"], ['say "hi"'], ["two\nlines"]])).toBe(
      'name\n"a,b"\n"say ""hi"""\n"two\nlines"\n',
    );
  });

  it("writes null and undefined as empty fields", () => {
    expect(formatCsv(["a", "b"], [[null, undefined]])).toBe("a,b\n,\n");
  });

  it("rejects a row of the wrong length", () => {
    expect(() => formatCsv(["a", "b"], [[1]])).toThrow(
      /row 0 has 1 fields but the header has 2/,
    );
  });
});
