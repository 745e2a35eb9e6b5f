import { configureLogging } from "../../src/log/logger";
import { createProgress } from "../../src/log/progress";

function fakeStream(isTTY: boolean) {
  const writes: string[] = [];
  return {
    writes,
    stream: { isTTY, columns: 80, write: (text: string) => writes.push(text) },
  };
}

describe("createProgress", () => {
  let time = 0;
  const now = () => time;
  beforeEach(() => {
    time = 0;
    configureLogging("normal");
  });

  it("prints one plain line per stage off a terminal", () => {
    const { writes, stream } = fakeStream(false);
    const bar = createProgress("extract features", 3, { stream, now });
    bar.tick();
    bar.tick(2);
    time = 1500;
    bar.done();
    expect(writes).toEqual(["extract features: 3/3 in 1.5 s\n"]);
  });

  it("draws a bar on a terminal and ends with a newline", () => {
    const { writes, stream } = fakeStream(true);
    const bar = createProgress("train", 4, { stream, now });
    bar.tick();
    time = 200;
    bar.tick();
    bar.done();
    expect(writes[0]).toMatch(/^\rtrain \[#+\.+\] 1\/4 0\.0 s/);
    expect(writes[1]).toMatch(/^\rtrain \[#+\.+\] 2\/4 0\.2 s/);
    expect(writes[writes.length - 1]).toBe("\rtrain: 2/4 in 0.2 s\x1b[K\n");
  });

  it("redraws at most ten times a second", () => {
    const { writes, stream } = fakeStream(true);
    const bar = createProgress("eval", 1000, { stream, now });
    for (let i = 0; i < 1000; i++) bar.tick();
    expect(writes).toHaveLength(1);
  });

  it("prints nothing when quiet", () => {
    configureLogging("quiet");
    const { writes, stream } = fakeStream(false);
    const bar = createProgress("train", 1, { stream, now });
    bar.tick();
    bar.done();
    expect(writes).toEqual([]);
  });

  it("prints the summary only once", () => {
    const { writes, stream } = fakeStream(false);
    const bar = createProgress("train", 1, { stream, now });
    bar.done();
    bar.done();
    expect(writes).toHaveLength(1);
  });
});
