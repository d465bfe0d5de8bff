import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getKibanaVersion } from "../../src/kibana/api.js";
import { KibanaClient } from "../../src/kibana/client.js";
import { KibanaDouble } from "../kibana-double/server.js";
import { apiKeyConnection, fastRetry } from "./deploy-helpers.js";

let kibana: KibanaDouble;
let cert: string;

beforeAll(async () => {
  // A self-signed certificate for 127.0.0.1 plays the private CA.
  const dir = mkdtempSync(path.join(tmpdir(), "kibana-tls-"));
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-days",
      "1",
      "-keyout",
      path.join(dir, "key.pem"),
      "-out",
      path.join(dir, "cert.pem"),
      "-subj",
      "/CN=127.0.0.1",
      "-addext",
      "subjectAltName=IP:127.0.0.1",
    ],
    { stdio: "ignore" },
  );
  cert = readFileSync(path.join(dir, "cert.pem"), "utf8");
  kibana = await new KibanaDouble({
    tls: { key: readFileSync(path.join(dir, "key.pem"), "utf8"), cert },
  }).start();
});
afterAll(async () => {
  await kibana.stop();
});

describe("KibanaClient TLS", () => {
  it("rejects an unknown certificate", async () => {
    const client = new KibanaClient(apiKeyConnection(kibana.url), {
      retry: fastRetry,
    });
    const error = await getKibanaVersion(client).catch(
      (caught: Error) => caught,
    );
    await client.close();
    expect((error as Error).message).toBe(
      `TLS verification of Kibana failed for GET ${kibana.url}/api/status (DEPTH_ZERO_SELF_SIGNED_CERT). If Kibana uses a private CA, pass its certificate with --ca-cert FILE.`,
    );
    expect(client.requestCount).toBe(1);
  });

  it("trusts a CA from --ca-cert", async () => {
    const connection = {
      ...apiKeyConnection(kibana.url),
      caCert: cert,
      caCertSource: "ca.pem",
    };
    const client = new KibanaClient(connection, { retry: fastRetry });
    const version = await getKibanaVersion(client);
    await client.close();
    expect(version.text).toBe("9.1.0");
  });
});
