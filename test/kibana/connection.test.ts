import { beforeAll, describe, expect, it } from "vitest";
import {
  authorizationHeader,
  resolveKibanaConnection,
} from "../../src/kibana/connection.js";
import { makeTlsFixture } from "./tls-fixture.js";

const files: Record<string, string> = {
  "kibana.json": JSON.stringify({
    url: "https://config.example:5601",
    api_key: "from-config",
    space: "team-a",
  }),
  "bad.json": JSON.stringify({ url: "https://x", apikey: "typo" }),
  "ca.pem": "",
  "not-pem.txt": "not a pem\n",
  "broken.pem":
    "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
  "syntax.json": '{\n  "url": "https://k",\n  "api_key": MARKERCFG_LEAK1\n}',
};
const readFile = (file: string): string => {
  const text = files[file];
  if (text === undefined)
    throw Object.assign(new Error(`ENOENT: ${file}`), { code: "ENOENT" });
  return text;
};

beforeAll(() => {
  files["ca.pem"] = makeTlsFixture().ca;
});

/** Returns the message of the error that resolving the connection throws. */
function rejection(
  options: Parameters<typeof resolveKibanaConnection>[0],
  env: NodeJS.ProcessEnv,
): string {
  try {
    resolveKibanaConnection(options, env, readFile);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("expected the connection to be rejected");
}

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
      '--space: invalid space id "Team A". Space ids use lowercase letters, digits, hyphens and underscores.',
    );
  });

  it("names KIBANA_SPACE in space errors", () => {
    expect(
      rejection({}, { KIBANA_URL: "https://k", KIBANA_SPACE: "Team-A" }),
    ).toBe(
      'KIBANA_SPACE: invalid space id "Team-A". Space ids use lowercase letters, digits, hyphens and underscores.',
    );
  });

  it("treats an empty KIBANA_SPACE as unset", () => {
    const connection = resolveKibanaConnection(
      {},
      { KIBANA_URL: "https://k", KIBANA_SPACE: "" },
      readFile,
    );
    expect(connection.space).toBeUndefined();
  });

  it("records where the space came from", () => {
    const connection = resolveKibanaConnection(
      {},
      { KIBANA_URL: "https://k", KIBANA_SPACE: "ops" },
      readFile,
    );
    expect(connection.spaceSource).toBe("KIBANA_SPACE");
  });

  it("rejects unknown config keys", () => {
    expect(() =>
      resolveKibanaConnection({ kibanaConfig: "bad.json" }, {}, readFile),
    ).toThrow(
      'bad.json: unknown key "apikey". Allowed keys: url, space, api_key, username, password, ca_cert.',
    );
  });
});

describe("resolveKibanaConnection URL checks", () => {
  const key = { KIBANA_API_KEY: "MARKERKEY_7f3a9" };

  it("hides credentials in invalid URLs", () => {
    for (const url of [
      "http://elastic:MARKERPW_c41d@127.0.0.1:99999",
      "https://elastic:MARKERPW_c41d@127.0.0.1:99999",
      "http://elastic:MARKERPW_c41d@127.0.0.1 :1",
    ]) {
      expect(rejection({}, { KIBANA_URL: url })).toBe(
        "KIBANA_URL: invalid Kibana URL (not shown because it may contain a secret). Use a URL such as https://kibana.example.com:5601.",
      );
    }
  });

  it("rejects a query string", () => {
    const message = rejection(
      {},
      { ...key, KIBANA_URL: "https://k/?apikey=MARKERQ_9" },
    );
    expect(message).toBe(
      'KIBANA_URL: the Kibana URL contains a query string or fragment. Remove everything from the first "?" or "#"; the URL takes only scheme, host, port and an optional base path.',
    );
  });

  it("rejects a fragment", () => {
    expect(rejection({ kibanaUrl: "https://host/base/#frag" }, key)).toContain(
      "--kibana-url: the Kibana URL contains a query string or fragment.",
    );
    expect(rejection({ kibanaUrl: "https://host/base?" }, key)).toContain(
      "--kibana-url: the Kibana URL contains a query string or fragment.",
    );
  });

  it("suggests a scheme", () => {
    expect(rejection({}, { KIBANA_URL: "127.0.0.1:5601" })).toBe(
      "KIBANA_URL: the Kibana URL has no scheme. Use https://127.0.0.1:5601, or http://127.0.0.1:5601 for a Kibana without TLS on this machine.",
    );
    expect(rejection({}, { KIBANA_URL: "localhost:5601" })).toBe(
      "KIBANA_URL: the Kibana URL has no scheme. Use https://localhost:5601, or http://localhost:5601 for a Kibana without TLS on this machine.",
    );
  });

  it("rejects plain http with credentials to other hosts", () => {
    for (const url of [
      "http://kibana.example.com:5601",
      "http://10.1.2.3:5601",
    ]) {
      const host = new URL(url).hostname;
      expect(rejection({}, { ...key, KIBANA_URL: url })).toBe(
        `KIBANA_URL: http:// to ${host} would send the credentials unencrypted. Use https://, or pass --allow-insecure-http if the network is trusted.`,
      );
    }
  });

  it("allows plain http with the opt-in", () => {
    const connection = resolveKibanaConnection(
      { kibanaUrl: "http://10.1.2.3:5601", allowInsecureHttp: true },
      key,
      readFile,
    );
    expect(connection.url.href).toBe("http://10.1.2.3:5601/");
  });

  it("allows plain http to loopback", () => {
    for (const url of [
      "http://127.0.0.1:5601",
      "http://localhost:5601",
      "http://[::1]:5601",
    ]) {
      expect(
        resolveKibanaConnection({ kibanaUrl: url }, key, readFile).url.protocol,
      ).toBe("http:");
    }
  });

  it("rejects link-local and metadata hosts", () => {
    for (const [url, host] of [
      ["http://169.254.169.254/", "169.254.169.254"],
      ["https://169.254.1.2:5601", "169.254.1.2"],
      ["http://2852039166/", "169.254.169.254"],
      ["https://[fe80::1]:5601", "[fe80::1]"],
      ["https://[febf::1]:5601", "[febf::1]"],
      ["https://[::ffff:169.254.169.254]/", "[::ffff:a9fe:a9fe]"],
      ["http://metadata.google.internal/", "metadata.google.internal"],
    ] as const) {
      const options = { kibanaUrl: url, allowInsecureHttp: true };
      expect(rejection(options, {})).toBe(
        `--kibana-url: ${host} is a link-local or cloud metadata address, never a Kibana. Use the host name or address of Kibana.`,
      );
    }
  });
});

describe("resolveKibanaConnection files", () => {
  it("locates config syntax errors without content", () => {
    const message = rejection({ kibanaConfig: "syntax.json" }, {});
    expect(message).toBe(
      "syntax.json: invalid JSON at line 3, column 14. The Kibana config file is a JSON object with keys such as url and api_key.",
    );
    expect(message).not.toContain("MARKER");
  });

  it("names a missing config file", () => {
    expect(rejection({}, { KIBANA_CONFIG: "nope.json" })).toBe(
      "KIBANA_CONFIG nope.json: file not found. Pass the path of a JSON file with keys such as url and api_key, or leave the option unset.",
    );
  });

  it("names a missing CA file", () => {
    expect(
      rejection({ caCert: "missing-ca.pem" }, { KIBANA_URL: "https://k" }),
    ).toBe(
      "--ca-cert missing-ca.pem: file not found. Pass the path of the PEM file of the CA that signed Kibana's certificate.",
    );
  });

  it("rejects a CA file without PEM", () => {
    expect(
      rejection({ caCert: "not-pem.txt" }, { KIBANA_URL: "https://k" }),
    ).toBe(
      "--ca-cert not-pem.txt: no PEM certificate found. Pass the CA certificate that signed Kibana's certificate, the text between -----BEGIN CERTIFICATE----- and -----END CERTIFICATE-----.",
    );
  });

  it("rejects a broken PEM certificate", () => {
    expect(
      rejection({ caCert: "broken.pem" }, { KIBANA_URL: "https://k" }),
    ).toBe(
      "--ca-cert broken.pem: certificate 1 is not a valid PEM certificate. Export the CA certificate again.",
    );
  });

  it("rejects a CA with plain http", () => {
    expect(
      rejection(
        {},
        { KIBANA_URL: "http://127.0.0.1:5601", KIBANA_CA_CERT: "ca.pem" },
      ),
    ).toBe(
      "KIBANA_CA_CERT: a CA certificate applies only to https:// URLs, but the Kibana URL uses http://. Use https:// or unset KIBANA_CA_CERT.",
    );
  });
});
