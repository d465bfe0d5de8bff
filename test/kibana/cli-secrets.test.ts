import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KibanaDouble } from "../kibana-double/server.js";
import { type CliResult, runCli, writeRules } from "./cli-helpers.js";

// Unique markers: none may appear in any output of any command below.
const KEY = "MARKERKEY_7f3a9e";
const PASSWORD = "MARKERPW_c41d2b";
const CONFIG_KEY = "MARKERCFG_91ab0c";
const QUERY = "MARKERQ_5d6e7f";
const WRONG_KEY = "MARKERWRONG_3c2b1a";
const markers = [KEY, PASSWORD, CONFIG_KEY, QUERY, WRONG_KEY];

let kibana: KibanaDouble;
let rulesDir: string;
let work: string;

beforeAll(async () => {
  kibana = await new KibanaDouble({ apiKey: KEY }).start();
  rulesDir = writeRules();
  work = mkdtempSync(path.join(tmpdir(), "detections-secrets-"));
  writeFileSync(
    path.join(work, "syntax.json"),
    `{\n  "url": "${kibana.url}",\n  "api_key": ${CONFIG_KEY}\n}`,
  );
  writeFileSync(
    path.join(work, "unknown-key.json"),
    JSON.stringify({ url: kibana.url, apikey: CONFIG_KEY }),
  );
  writeFileSync(
    path.join(work, "bad-type.json"),
    JSON.stringify({ url: kibana.url, password: [PASSWORD] }),
  );
  writeFileSync(
    path.join(work, "wrong-key.json"),
    JSON.stringify({ url: kibana.url, api_key: CONFIG_KEY }),
  );
});
afterAll(async () => {
  await kibana.stop();
});

interface FailurePath {
  name: string;
  args: string[];
  env: Record<string, string>;
  status: number;
}

const plan = () => ["--debug", "plan", "--rules", rulesDir];
const deploy = () => ["--debug", "deploy", "--rules", rulesDir];

function failurePaths(): FailurePath[] {
  const key = { KIBANA_API_KEY: KEY };
  const basic = { KIBANA_USERNAME: "elastic", KIBANA_PASSWORD: PASSWORD };
  const config = (file: string) => ["--kibana-config", path.join(work, file)];
  return [
    {
      name: "URL with a password",
      args: plan(),
      env: { KIBANA_URL: `http://elastic:${PASSWORD}@127.0.0.1:99999` },
      status: 2,
    },
    {
      name: "URL option with a password",
      args: [...plan(), "--kibana-url", `https://elastic:${PASSWORD}@x :1`],
      env: {},
      status: 2,
    },
    {
      name: "URL with a query string",
      args: plan(),
      env: { ...key, KIBANA_URL: `${kibana.url}/?apikey=${QUERY}` },
      status: 2,
    },
    {
      name: "URL without a scheme",
      args: plan(),
      env: { ...key, KIBANA_URL: `elastic:${PASSWORD}@127.0.0.1:5601` },
      status: 2,
    },
    {
      name: "config syntax error",
      args: [...plan(), ...config("syntax.json")],
      env: {},
      status: 2,
    },
    {
      name: "config unknown key",
      args: [...plan(), ...config("unknown-key.json")],
      env: {},
      status: 2,
    },
    {
      name: "config value of a wrong type",
      args: [...plan(), ...config("bad-type.json")],
      env: {},
      status: 2,
    },
    {
      name: "config key rejected",
      args: [...deploy(), ...config("wrong-key.json")],
      env: {},
      status: 3,
    },
    {
      name: "API key rejected",
      args: deploy(),
      env: { KIBANA_API_KEY: WRONG_KEY, KIBANA_URL: kibana.url },
      status: 3,
    },
    {
      name: "deploy stopped by a dropped connection",
      args: deploy(),
      env: { ...key, KIBANA_URL: kibana.url, DROP_IMPORT: "1" },
      status: 3,
    },
    {
      name: "password rejected",
      args: deploy(),
      env: { ...basic, KIBANA_URL: kibana.url },
      status: 3,
    },
    {
      name: "plain http to a remote host",
      args: plan(),
      env: { ...key, KIBANA_URL: "http://kibana.example.com:5601" },
      status: 2,
    },
    {
      name: "metadata address",
      args: [...plan(), "--allow-insecure-http"],
      env: { ...basic, KIBANA_URL: "http://169.254.169.254/" },
      status: 2,
    },
    {
      name: "unknown space",
      args: [...plan(), "--space", "nope"],
      env: { ...key, KIBANA_URL: kibana.url },
      status: 2,
    },
    {
      name: "export with a wrong key",
      args: ["--debug", "export", "--out", path.join(work, "x.ndjson")],
      env: { KIBANA_API_KEY: WRONG_KEY, KIBANA_URL: kibana.url },
      status: 3,
    },
    {
      name: "connection refused",
      args: deploy(),
      env: { ...key, KIBANA_URL: "http://127.0.0.1:9" },
      status: 3,
    },
  ];
}

describe("CLI output", () => {
  it("never contains a secret", async () => {
    const results: [string, CliResult][] = [];
    for (const failure of failurePaths()) {
      const { DROP_IMPORT: drop, ...env } = failure.env;
      if (drop)
        kibana.addFault({ kind: "drop", match: { pathIncludes: "_import" } });
      results.push([failure.name, await runCli(failure.args, env)]);
    }
    for (const [index, [name, result]] of results.entries()) {
      const expected = failurePaths()[index]!.status;
      expect(result.status, name).toBe(expected);
      expect(result.stderr, name).not.toBe("");
      for (const marker of markers) {
        expect(result.stdout, `${name}: stdout`).not.toContain(marker);
        expect(result.stderr, `${name}: stderr`).not.toContain(marker);
      }
    }
  });
});
