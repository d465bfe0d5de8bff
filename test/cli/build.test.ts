import { spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";

const RULE_KEYS = ["mofcomp_outside_system32", "mofcomp_suspicious_arguments"];

/** Runs the built CLI from the project root and returns its result. */
function detections(...args: string[]): {
  status: number | null;
  stdout: string;
  stderr: string;
} {
  const result = spawnSync("node", ["dist/cli.js", ...args], {
    encoding: "utf8",
  });
  return {
    status: result.status,
    stdout: result.stdout,
    stderr: result.stderr,
  };
}

const staleRule = `${JSON.stringify({
  rule_id: "00000000-0000-4000-8000-000000000000",
  tags: ["Managed: mofcomp-detections"],
})}\n`;

function temporaryFolder(prefix: string): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

function lockVersions(folder: string): Record<string, number> {
  const lock = JSON.parse(
    readFileSync(path.join(folder, "version.lock.json"), "utf8"),
  );
  return Object.fromEntries(
    Object.entries(lock as Record<string, { version: number }>).map(
      ([id, entry]) => [id, entry.version],
    ),
  );
}

describe("detections build", () => {
  it("writes every rule into a fresh folder", () => {
    const out = path.join(temporaryFolder("build-"), "kibana");
    const result = detections("build", "--out", out);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(
      [
        "rule                          rule_id                               version  severity  file",
        "mofcomp_outside_system32      dd8b7af3-5425-4207-ba89-e068c822fbd1  1        low       mofcomp_outside_system32.json",
        "mofcomp_suspicious_arguments  5b910a7c-c899-400e-a025-1187cc3405c5  1        medium    mofcomp_suspicious_arguments.json",
        "",
        `built 2 rules into ${out}/: 4 files written, 0 removed, 0 unchanged`,
        "",
      ].join("\n"),
    );
    expect(readdirSync(out).sort()).toEqual([
      "mofcomp_outside_system32.json",
      "mofcomp_suspicious_arguments.json",
      "rules.ndjson",
      "version.lock.json",
    ]);
  });

  it("writes rules.ndjson with every rule body", () => {
    const out = temporaryFolder("build-");
    expect(detections("build", "--out", out).status).toBe(0);
    const lines = readFileSync(path.join(out, "rules.ndjson"), "utf8").split(
      "\n",
    );
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe("");
    RULE_KEYS.forEach((key, index) => {
      const body = JSON.parse(
        readFileSync(path.join(out, `${key}.json`), "utf8"),
      );
      expect(JSON.parse(lines[index]!)).toEqual(body);
      expect(body.type).toBe("eql");
      expect(body.language).toBe("eql");
      expect(body.query.startsWith("process where ")).toBe(true);
    });
  });

  it("keeps a copy of the committed folder", () => {
    const out = path.join(temporaryFolder("build-"), "kibana");
    cpSync("kibana", out, { recursive: true });
    const result = detections("build", "--out", out);
    expect(result.status).toBe(0);
    expect(result.stdout.split("\n").at(-2)).toBe(
      `built 2 rules into ${out}/: 0 files written, 0 removed, 4 unchanged`,
    );
  });

  it("leaves an unchanged build alone", () => {
    const out = temporaryFolder("build-");
    detections("build", "--out", out);
    const result = detections("build", "--out", out);
    expect(result.status).toBe(0);
    expect(result.stdout.split("\n").at(-2)).toBe(
      `built 2 rules into ${out}/: 0 files written, 0 removed, 4 unchanged`,
    );
    expect(Object.values(lockVersions(out))).toEqual([1, 1]);
  });

  it("raises the version of a changed rule", () => {
    const root = temporaryFolder("build-");
    const rules = path.join(root, "rules");
    const out = path.join(root, "kibana");
    cpSync("rules", rules, { recursive: true });
    detections("build", "--rules", rules, "--out", out);
    const file = path.join(rules, "mofcomp_outside_system32.yml");
    writeFileSync(
      file,
      readFileSync(file, "utf8").replace("level: low", "level: medium"),
    );
    const result = detections("build", "--rules", rules, "--out", out);
    expect(result.status).toBe(0);
    expect(lockVersions(out)).toEqual({
      "5b910a7c-c899-400e-a025-1187cc3405c5": 1,
      "dd8b7af3-5425-4207-ba89-e068c822fbd1": 2,
    });
    const body = JSON.parse(
      readFileSync(path.join(out, "mofcomp_outside_system32.json"), "utf8"),
    );
    expect(body.version).toBe(2);
    expect(body.severity).toBe("medium");
  });

  it("removes the body of a deleted rule", () => {
    const root = temporaryFolder("build-");
    const out = path.join(root, "kibana");
    detections("build", "--out", out);
    writeFileSync(path.join(out, "old_rule.json"), staleRule);
    const result = detections("build", "--out", out);
    expect(result.status).toBe(0);
    expect(existsSync(path.join(out, "old_rule.json"))).toBe(false);
    expect(result.stdout.split("\n").at(-2)).toBe(
      `built 2 rules into ${out}/: 0 files written, 1 removed, 4 unchanged`,
    );
  });

  it("keeps JSON files it did not build", () => {
    const root = temporaryFolder("build-");
    const out = path.join(root, "kibana");
    detections("build", "--out", out);
    const unmanaged = JSON.stringify({ rule_id: "x", tags: ["Other"] });
    writeFileSync(path.join(out, "package.json"), '{"name": "kept"}\n');
    writeFileSync(path.join(out, "unmanaged.json"), `${unmanaged}\n`);
    writeFileSync(path.join(out, "broken.json"), "{not json\n");
    const result = detections("build", "--out", out);
    expect(result.status).toBe(0);
    expect(existsSync(path.join(out, "package.json"))).toBe(true);
    expect(existsSync(path.join(out, "unmanaged.json"))).toBe(true);
    expect(existsSync(path.join(out, "broken.json"))).toBe(true);
    expect(result.stdout.split("\n").at(-2)).toBe(
      `built 2 rules into ${out}/: 0 files written, 0 removed, 4 unchanged`,
    );
  });

  it("lists every broken rule and writes nothing", () => {
    const root = temporaryFolder("build-");
    const rules = path.join(root, "rules");
    const out = path.join(root, "kibana");
    cpSync("rules", rules, { recursive: true });
    writeFileSync(
      path.join(rules, "broken.yml"),
      "title: Broken\nlogsource:\n  product: windows\n",
    );
    const copy = readFileSync(
      path.join(rules, "mofcomp_outside_system32.yml"),
      "utf8",
    );
    writeFileSync(path.join(rules, "twin.yml"), copy);
    const result = detections("build", "--rules", rules, "--out", out);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe("");
    const [first, ...failures] = result.stderr.trimEnd().split("\n");
    expect(first).toBe("error: 2 rules failed to build; nothing was written:");
    expect(failures[0]?.startsWith(`  ${rules}/broken.yml:`)).toBe(true);
    expect(failures.at(-1)).toBe(
      `  ${rules}/twin.yml:2: id: dd8b7af3-5425-4207-ba89-e068c822fbd1 is also the id of ${rules}/mofcomp_outside_system32.yml:2. Give each rule its own UUID.`,
    );
    expect(existsSync(out)).toBe(false);
  });

  it("rejects a folder without rules", () => {
    const empty = temporaryFolder("build-");
    const result = detections(
      "build",
      "--rules",
      empty,
      "--out",
      path.join(empty, "out"),
    );
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(
      `error: ${empty}: no Sigma rules (*.yml or *.yaml). Add a rule or pass --rules.\n`,
    );
  });
});

describe("detections build --check", () => {
  it("passes on the committed kibana folder", () => {
    const result = detections("build", "--check");
    expect(result.stdout).toBe("kibana/ is up to date (4 files).\n");
    expect(result.status).toBe(0);
  });

  it("passes right after a build", () => {
    const out = temporaryFolder("build-");
    detections("build", "--out", out);
    const result = detections("build", "--check", "--out", out);
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(`${out}/ is up to date (4 files).\n`);
  });

  it("lists stale files and writes nothing", () => {
    const root = temporaryFolder("build-");
    const rules = path.join(root, "rules");
    const out = path.join(root, "kibana");
    cpSync("rules", rules, { recursive: true });
    detections("build", "--rules", rules, "--out", out);

    const file = path.join(rules, "mofcomp_suspicious_arguments.yml");
    writeFileSync(
      file,
      readFileSync(file, "utf8").replace("level: medium", "level: high"),
    );
    writeFileSync(path.join(out, "old_rule.json"), staleRule);
    const before = readFileSync(path.join(out, "version.lock.json"), "utf8");

    const result = detections(
      "build",
      "--check",
      "--rules",
      rules,
      "--out",
      out,
    );
    expect(result.status).toBe(1);
    expect(result.stdout).toBe(
      [
        `${out}/ is stale; "detections build" would change:`,
        `  changed  ${out}/mofcomp_suspicious_arguments.json`,
        `  changed  ${out}/rules.ndjson`,
        `  changed  ${out}/version.lock.json`,
        `  removed  ${out}/old_rule.json`,
        "",
      ].join("\n"),
    );

    expect(readFileSync(path.join(out, "version.lock.json"), "utf8")).toBe(
      before,
    );
    expect(existsSync(path.join(out, "old_rule.json"))).toBe(true);
  });

  it("reports a stale lock alone", () => {
    const out = temporaryFolder("build-");
    detections("build", "--out", out);
    writeFileSync(path.join(out, "version.lock.json"), "{}\n");
    const result = detections("build", "--check", "--out", out);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe(
      `${out}/ is stale; "detections build" would change:\n  changed  ${out}/version.lock.json\n`,
    );
  });

  it("lists every file of a missing folder", () => {
    const out = path.join(temporaryFolder("build-"), "none");
    const result = detections("build", "--check", "--out", out);
    expect(result.status).toBe(1);
    expect(result.stdout.split("\n").slice(1, -1)).toEqual([
      `  added    ${out}/mofcomp_outside_system32.json`,
      `  added    ${out}/mofcomp_suspicious_arguments.json`,
      `  added    ${out}/rules.ndjson`,
      `  added    ${out}/version.lock.json`,
    ]);
    expect(existsSync(out)).toBe(false);
  });

  it("builds subfolders and .yaml files", () => {
    const root = temporaryFolder("build-");
    const rules = path.join(root, "rules");
    const out = path.join(root, "kibana");
    cpSync("rules", rules, { recursive: true });
    const copy = readFileSync(path.join(rules, "mofcomp_outside_system32.yml"), "utf8");
    const renamed = (id: string): string => copy.replace(/^id: .*$/m, `id: ${id}`);
    mkdirSync(path.join(rules, "sub"));
    writeFileSync(path.join(rules, "sub", "nested.yml"), renamed("11111111-2222-4333-8444-555555555555"));
    writeFileSync(path.join(rules, "other.yaml"), renamed("11111111-2222-4333-8444-666666666666"));
    const result = detections("build", "--rules", rules, "--out", out);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(readdirSync(out).sort()).toEqual([
      ...RULE_KEYS.map((key) => `${key}.json`),
      "nested.json",
      "other.json",
      "rules.ndjson",
      "version.lock.json",
    ].sort());
  });

  it("rejects two rules with one file name", () => {
    const root = temporaryFolder("build-");
    const rules = path.join(root, "rules");
    cpSync("rules", rules, { recursive: true });
    mkdirSync(path.join(rules, "sub"));
    const copy = readFileSync(path.join(rules, "mofcomp_outside_system32.yml"), "utf8");
    writeFileSync(
      path.join(rules, "sub", "mofcomp_outside_system32.yaml"),
      copy.replace(/^id: .*$/m, "id: 11111111-2222-4333-8444-555555555555"),
    );
    const result = detections("build", "--rules", rules, "--out", path.join(root, "kibana"));
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(
      "error: 1 rule failed to build; nothing was written:\n" +
        `  ${rules}/sub/mofcomp_outside_system32.yaml: the file name mofcomp_outside_system32 is also the name of ` +
        `${rules}/mofcomp_outside_system32.yml, and both would build mofcomp_outside_system32.json. Rename one of the two files.\n`,
    );
  });

  it("reports build problems with lines", () => {
    const root = temporaryFolder("build-");
    const rules = path.join(root, "rules");
    mkdirSync(rules);
    const copy = readFileSync("rules/mofcomp_outside_system32.yml", "utf8");
    const text = copy
      .replace(/^description:[^\n]*(\n  [^\n]*)*\n/m, "")
      .replace(/^level: .*\n/m, "")
      .replace(/^tags:\n/m, "tags:\n  - attack.t9999\n")
      .replace(/^logsource:\n/m, "logsource:\n  service: nosuch\n");
    writeFileSync(path.join(rules, "bad.yml"), text);
    const result = detections("build", "--rules", rules, "--out", path.join(root, "kibana"));
    expect(result.status).toBe(2);
    const lines = result.stderr.trimEnd().split("\n");
    expect(lines[0]).toBe("error: 1 rule failed to build; nothing was written:");
    expect(lines.slice(1).map((line) => line.replace(/\. .*$/, ""))).toEqual([
      `  ${rules}/bad.yml:1: level: missing field level`,
      `  ${rules}/bad.yml:1: description: missing field description`,
      `  ${rules}/bad.yml:11: tags[0]: unknown ATT&CK technique in ATT&CK 18.0 "attack.t9999"`,
      `  ${rules}/bad.yml:16: logsource: unsupported: logsource`,
    ]);
    for (const line of lines.slice(1)) expect(line).not.toMatch(/too small|expected string|\(missing\)/);
  });

  it("rejects a rule that is not UTF-8", () => {
    const root = temporaryFolder("build-");
    const rules = path.join(root, "rules");
    mkdirSync(rules);
    const copy = readFileSync("rules/mofcomp_outside_system32.yml", "latin1");
    writeFileSync(path.join(rules, "latin1.yml"), Buffer.from(copy.replace(/^title: .*$/m, "title: T\xe9\xff"), "latin1"));
    const result = detections("build", "--rules", rules, "--out", path.join(root, "kibana"));
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(
      "error: 1 rule failed to build; nothing was written:\n" +
        `  ${rules}/latin1.yml:1: (document): invalid UTF-8 at byte 8 (0xE9). Save the file as UTF-8\n`,
    );
  });
});

