import type { LookupFunction } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getKibanaVersion } from "../../src/kibana/api.js";
import { KibanaClient } from "../../src/kibana/client.js";
import { KibanaDouble } from "../kibana-double/server.js";
import { apiKeyConnection, fastRetry } from "./deploy-helpers.js";
import { makeTlsFixture, type TlsFixture } from "./tls-fixture.js";

let kibana: KibanaDouble;
let tls: TlsFixture;
let otherCa: TlsFixture;

beforeAll(async () => {
  tls = makeTlsFixture();
  otherCa = makeTlsFixture();
  kibana = await new KibanaDouble({
    tls: { key: tls.key, cert: tls.cert },
  }).start();
});
afterAll(async () => {
  await kibana.stop();
});

/** Resolves every name to 127.0.0.1, so no DNS query leaves the host. */
const loopbackLookup = ((
  _hostname: string,
  options: { all?: boolean },
  callback: (...args: unknown[]) => void,
) => {
  if (options?.all) callback(null, [{ address: "127.0.0.1", family: 4 }]);
  else callback(null, "127.0.0.1", 4);
}) as unknown as LookupFunction;

async function versionError(client: KibanaClient): Promise<Error> {
  const error = await getKibanaVersion(client).catch((caught: Error) => caught);
  await client.close();
  if (!(error instanceof Error)) throw new Error("expected a TLS failure");
  return error;
}

describe("KibanaClient TLS", () => {
  it("rejects an unknown certificate", async () => {
    const client = new KibanaClient(apiKeyConnection(kibana.url), {
      retry: fastRetry,
    });
    const error = await versionError(client);
    expect(error.message).toBe(
      `TLS verification of Kibana failed for GET ${kibana.url}/api/status (UNABLE_TO_VERIFY_LEAF_SIGNATURE). If Kibana uses a private CA, pass its certificate with --ca-cert FILE.`,
    );
    expect(client.requestCount).toBe(1);
  });

  it("trusts a CA from --ca-cert", async () => {
    const connection = {
      ...apiKeyConnection(kibana.url),
      caCert: tls.ca,
      caCertSource: "ca.pem",
    };
    const client = new KibanaClient(connection, { retry: fastRetry });
    const version = await getKibanaVersion(client);
    await client.close();
    expect(version.text).toBe("9.1.0");
  });

  it("names a CA that did not sign", async () => {
    const connection = {
      ...apiKeyConnection(kibana.url),
      caCert: otherCa.ca,
      caCertSource: "other-ca.pem",
    };
    const client = new KibanaClient(connection, { retry: fastRetry });
    const error = await versionError(client);
    expect(error.message).toBe(
      `TLS verification of Kibana failed for GET ${kibana.url}/api/status (UNABLE_TO_VERIFY_LEAF_SIGNATURE). The certificate does not chain to the CA in other-ca.pem: pass the CA that signed Kibana's certificate.`,
    );
  });

  it("reports a host name mismatch", async () => {
    const port = new URL(kibana.url).port;
    const connection = {
      ...apiKeyConnection(`https://kibana.test:${port}`),
      caCert: tls.ca,
      caCertSource: "ca.pem",
    };
    const client = new KibanaClient(connection, {
      retry: fastRetry,
      lookup: loopbackLookup,
    });
    const error = await versionError(client);
    expect(error.message).toBe(
      `TLS verification of Kibana failed for GET https://kibana.test:${port}/api/status (ERR_TLS_CERT_ALTNAME_INVALID): the certificate is not valid for host kibana.test. Use a host name that the certificate lists in --kibana-url or KIBANA_URL.`,
    );
  });

  it("suggests https for an HTTPS port", async () => {
    const port = new URL(kibana.url).port;
    const client = new KibanaClient(
      apiKeyConnection(`http://127.0.0.1:${port}`),
      { retry: { ...fastRetry, retries: 0 } },
    );
    const error = await versionError(client);
    expect(error.message).toBe(
      `the connection to Kibana failed for GET http://127.0.0.1:${port}/api/status (UND_ERR_SOCKET): the connection closed before a response. If Kibana serves HTTPS on this port, use https:// in the URL. Check Kibana's health and any proxy in between.`,
    );
  });
});
