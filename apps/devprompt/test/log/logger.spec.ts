import {
  configureLogging,
  createLogger,
  repeatedWarningCounts,
  repeatedWarningLines,
} from "../../src/log/logger";

describe("createLogger", () => {
  let lines: string[];
  const sink = { write: (text: string) => void lines.push(text) };
  beforeEach(() => {
    lines = [];
  });
  afterAll(() =>
    configureLogging("normal", { write: (text) => process.stderr.write(text) }),
  );

  const logAll = () => {
    const log = createLogger("train");
    log.debug("d");
    log.info("i");
    log.warn("w");
    log.error("e");
  };

  it("prints warnings and errors by default", () => {
    configureLogging("normal", sink);
    logAll();
    expect(lines).toEqual([
      "devprompt train: warning: w\n",
      "devprompt train: error: e\n",
    ]);
  });

  it("prints only errors when quiet", () => {
    configureLogging("quiet", sink);
    logAll();
    expect(lines).toEqual(["devprompt train: error: e\n"]);
  });

  it("prints everything when verbose", () => {
    configureLogging("verbose", sink);
    logAll();
    expect(lines).toHaveLength(4);
    expect(lines[0]).toBe("devprompt train: debug: d\n");
  });

  it("prints a repeated warning once and counts it", () => {
    configureLogging("normal", sink);
    const log = createLogger("eval");
    for (let i = 0; i < 3; i++) log.warnOnce("no-mask", "mask missing");
    expect(lines).toEqual([
      "devprompt eval: warning: mask missing (repeats are not printed; their count follows at the end)\n",
    ]);
    expect(repeatedWarningCounts().get("no-mask")).toBe(3);
    log.warnOnce("once", "only once");
    expect(repeatedWarningLines()).toEqual(["2 more like: mask missing"]);
  });
});
