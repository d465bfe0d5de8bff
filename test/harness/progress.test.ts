import { describe, expect, it } from "vitest";
import { createProgress, formatElapsed } from "../../src/harness/progress.js";

function recorder(isTTY: boolean) {
  let clock = 0;
  const output: string[] = [];
  const progress = createProgress({
    write: (text) => output.push(text),
    isTTY,
    now: () => clock,
    quietIntervalMs: 10_000,
  });
  return {
    progress,
    output,
    advance: (ms: number) => {
      clock += ms;
    },
  };
}

describe("createProgress", () => {
  it("writes lines outside a terminal", () => {
    const { progress, output, advance } = recorder(false);
    const step = progress.start("indexing 120 events");
    advance(2_000);
    step.update("40 of 120");
    advance(9_000);
    step.update("80 of 120");
    advance(1_000);
    step.finish("120 indexed");
    expect(output.join("")).toBe(
      "indexing 120 events...\n" +
        "indexing 120 events: 80 of 120 (11 s)\n" +
        "indexing 120 events: 120 indexed (12 s)\n",
    );
  });

  it("redraws one line on a terminal", () => {
    const { progress, output, advance } = recorder(true);
    const step = progress.start("waiting for 2 rules");
    advance(500);
    step.update("1 of 2 ran");
    step.fail("timed out");
    step.finish("ignored after the end");
    expect(output).toEqual([
      "waiting for 2 rules...",
      "\r\x1b[2Kwaiting for 2 rules: 1 of 2 ran (0.5 s)",
      "\r\x1b[2Kwaiting for 2 rules: failed: timed out (0.5 s)\n",
    ]);
  });
});

describe("formatElapsed", () => {
  it("formats seconds and minutes", () => {
    expect(formatElapsed(400)).toBe("0.4 s");
    expect(formatElapsed(12_400)).toBe("12 s");
    expect(formatElapsed(185_000)).toBe("3 min 05 s");
  });
});
