/**
 * Every converted SigmaHQ query runs on the embedded engine: compiled alone
 * and in one rule set, over the process events of the fixtures (one of
 * each file, from all four sources) and a few hand-made events with unusual
 * shapes. An engine error on any converted query fails here.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { expect, it } from "vitest";
import { convertRuleTree } from "../../src/cli/convert.js";
import { compileQuery, compileRuleSet } from "../../src/eql/engine/index.js";
import {
  describeWithSharedData,
  hasSharedData,
  sharedDataPath,
} from "../shared-data.js";

const corpus = sharedDataPath("sigmahq", "rules");
const results = hasSharedData ? convertRuleTree(corpus, corpus) : [];
const converted = results.flatMap((result) =>
  result.status === "converted" ? [result] : [],
);

function fixtureEvents(): unknown[] {
  const root = path.join("test", "fixtures", "events");
  const events: unknown[] = [];
  for (const source of readdirSync(root, { withFileTypes: true })) {
    if (!source.isDirectory()) continue;
    const folder = path.join(root, source.name);
    for (const name of readdirSync(folder).sort()) {
      const first = readFileSync(path.join(folder, name), "utf8").split("\n")[0]!;
      events.push(JSON.parse(first));
    }
  }
  return events;
}

const windowsStart = {
  event: { category: ["process"], type: ["start"] },
  host: { os: { type: "windows" } },
};

/** Events with arrays, odd values and missing parts where rules look. */
const oddEvents: unknown[] = [
  windowsStart,
  {
    ...windowsStart,
    process: {
      name: "powershell.exe",
      executable: "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe",
      command_line: "powershell -enc SQBFAFgA -nop -w hidden \u200b*?\\",
      args: ["powershell", "-enc", "SQBFAFgA"],
      pe: { original_file_name: "PowerShell.EXE", file_version: "10.0.19041.1" },
      parent: { executable: "C:\\Windows\\explorer.exe", name: "explorer.exe" },
      Ext: { token: { integrity_level_name: "high" } },
      pid: 4242,
    },
    user: { name: ["SYSTEM", "admin"], domain: "NT AUTHORITY" },
  },
  {
    ...windowsStart,
    process: {
      executable: null,
      command_line: 42,
      pe: {},
      parent: null,
      hash: { sha256: ["a", "b"], md5: "" },
    },
  },
];

describeWithSharedData("SigmaHQ conversions on the embedded engine", () => {
  const events = [...fixtureEvents(), ...oddEvents];

  it("has fixture events from every source", () => {
    expect(events.length).toBeGreaterThanOrEqual(19 + oddEvents.length);
  });

  it("compiles and runs every query alone", () => {
    const failures: string[] = [];
    for (const result of converted) {
      try {
        const query = compileQuery(result.converted.text);
        for (const event of events) query.matches(event);
      } catch (error) {
        failures.push(`${result.file}: ${(error as Error).message}`);
      }
    }
    expect(failures).toEqual([]);
    expect(converted.length).toBeGreaterThan(690);
  });

  it("agrees with single queries in a rule set", () => {
    const texts = converted.map((result) => result.converted.text);
    const ruleSet = compileRuleSet(texts);
    const single = texts.map((text) => compileQuery(text));
    const differences: string[] = [];
    events.forEach((event, index) => {
      const together = ruleSet.matching(event);
      single.forEach((query, rule) => {
        if (query.matches(event) === together[rule]) return;
        differences.push(`event ${index}: ${converted[rule]!.file}`);
      });
    });
    expect(differences).toEqual([]);
  });

  it("matches the PowerShell event with some rules", () => {
    const ruleSet = compileRuleSet(converted.map((result) => result.converted.text));
    expect(ruleSet.countMatching(oddEvents[1])).toBeGreaterThan(0);
  });
});
