import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

/** A private CA and a server certificate it signed, valid for 127.0.0.1 only. */
export interface TlsFixture {
  dir: string;
  caFile: string;
  ca: string;
  key: string;
  cert: string;
}

function openssl(args: string[], cwd: string): void {
  execFileSync("openssl", args, { cwd, stdio: "ignore" });
}

/** Creates the CA and the server certificate with openssl in a temporary folder. */
export function makeTlsFixture(): TlsFixture {
  const dir = mkdtempSync(path.join(tmpdir(), "kibana-tls-"));
  const days = ["-days", "2"];
  openssl(
    [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      ...days,
      "-keyout",
      "ca.key",
      "-out",
      "ca.pem",
      "-subj",
      "/CN=Test CA",
    ],
    dir,
  );
  openssl(
    [
      "req",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-keyout",
      "server.key",
      "-out",
      "server.csr",
      "-subj",
      "/CN=127.0.0.1",
    ],
    dir,
  );
  writeFileSync(path.join(dir, "san.ext"), "subjectAltName=IP:127.0.0.1\n");
  openssl(
    [
      "x509",
      "-req",
      "-in",
      "server.csr",
      "-CA",
      "ca.pem",
      "-CAkey",
      "ca.key",
      "-CAcreateserial",
      ...days,
      "-extfile",
      "san.ext",
      "-out",
      "server.pem",
    ],
    dir,
  );
  const read = (name: string) => readFileSync(path.join(dir, name), "utf8");
  return {
    dir,
    caFile: path.join(dir, "ca.pem"),
    ca: read("ca.pem"),
    key: read("server.key"),
    cert: read("server.pem"),
  };
}
