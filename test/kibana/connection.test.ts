import { describe, expect, it } from "vitest";
import {
  authorizationHeader,
  resolveKibanaConnection,
} from "../../src/kibana/connection.js";

const files: Record<string, string> = {
  "kibana.json": JSON.stringify({
    url: "https://config.example:5601",
    api_key: "from-config",
    space: "team-a",
  }),
  "bad.json": JSON.stringify({ url: "https://x", apikey: "typo" }),
  "ca.pem": "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
};
const readFile = (file: string): string => {
  const text = files[file];
  if (text === undefined) throw new Error(`no such file ${file}`);
  return text;
};

describe("resolveKibanaConnection", () => {
  it("prefers options over the environment", () => {
    const connection = resolveKibanaConnection(
      { kibanaUrl: "https://flag.example:5601", space: "ops" },
      { KIBANA_URL: "https://env.example", KIBANA_API_KEY: "key" },
      readFile,
    );
    expect(connection.url.href).toBe("https://flag.example:5601/");
    expect(connection.space).toBe("ops");
    expect(connection.auth).toEqual({
      kind: "api_key",
      apiKey: "key",
      source: "KIBANA_API_KEY",
    });
  });

  it("reads basic auth from the environment", () => {
    const connection = resolveKibanaConnection(
      {},
      {
        KIBANA_URL: "https://k",
        KIBANA_USERNAME: "elastic",
        KIBANA_PASSWORD: "pw",
      },
      readFile,
    );
    expect(authorizationHeader(connection.auth)).toBe(
      `Basic ${Buffer.from("elastic:pw").toString("base64")}`,
    );
  });

  it("reads the config file last", () => {
    const connection = resolveKibanaConnection(
      { kibanaConfig: "kibana.json" },
      {},
      readFile,
    );
    expect(connection.url.origin).toBe("https://config.example:5601");
    expect(connection.space).toBe("team-a");
    expect(connection.auth).toEqual({
      kind: "api_key",
      apiKey: "from-config",
      source: "api_key in kibana.json",
    });
  });

  it("treats the default space as none", () => {
    expect(
      resolveKibanaConnection(
        { space: "default" },
        { KIBANA_URL: "https://k" },
        readFile,
      ).space,
    ).toBeUndefined();
  });

  it("loads an extra CA", () => {
    const connection = resolveKibanaConnection(
      { caCert: "ca.pem" },
      { KIBANA_URL: "https://k" },
      readFile,
    );
    expect(connection.caCert).toBe(files["ca.pem"]);
  });

  it("rejects credentials in the URL", () => {
    expect(() =>
      resolveKibanaConnection(
        { kibanaUrl: "https://elastic:s3cret@k:5601" },
        {},
        readFile,
      ),
    ).toThrow(
      "--kibana-url: the Kibana URL contains credentials. Remove them from the URL and set KIBANA_API_KEY, or KIBANA_USERNAME and KIBANA_PASSWORD.",
    );
  });

  it("rejects a lone username", () => {
    expect(() =>
      resolveKibanaConnection(
        {},
        { KIBANA_URL: "https://k", KIBANA_USERNAME: "elastic" },
        readFile,
      ),
    ).toThrow(
      "KIBANA_USERNAME and KIBANA_PASSWORD must be set together for basic authentication.",
    );
  });

  it("rejects an invalid space id", () => {
    expect(() =>
      resolveKibanaConnection(
        { space: "Team A" },
        { KIBANA_URL: "https://k" },
        readFile,
      ),
    ).toThrow(
      'invalid space id "Team A". Space ids use lowercase letters, digits, hyphens and underscores.',
    );
  });

  it("rejects unknown config keys", () => {
    expect(() =>
      resolveKibanaConnection({ kibanaConfig: "bad.json" }, {}, readFile),
    ).toThrow(
      'bad.json: unknown key "apikey". Allowed keys: url, space, api_key, username, password, ca_cert.',
    );
  });
});
