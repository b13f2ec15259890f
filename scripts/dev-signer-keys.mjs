#!/usr/bin/env node
// Generates a development content-signature setup with openssl: a local root CA, an
// intermediate and an end-entity P-384 certificate whose subjectAltName is the signer id,
// and prints the [env.dev.vars] lines that configure kinto-edge's local ECDSA signer with
// them. For development only: the private key it prints is not a secret once committed.
//   node scripts/dev-signer-keys.mjs [signer-id]
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const signerId = process.argv[2] ?? "remote-settings.content-signature.mozilla.org";
const dir = mkdtempSync(path.join(tmpdir(), "kinto-edge-signer-"));
const file = (name) => path.join(dir, name);
const openssl = (...args) => execFileSync("openssl", args, { stdio: ["ignore", "pipe", "inherit"] });

try {
  writeFileSync(file("ca.ext"), "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n");
  writeFileSync(file("leaf.ext"), `basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=codeSigning\nsubjectAltName=DNS:${signerId}\n`);
  for (const name of ["root", "intermediate", "leaf"]) {
    openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384", "-out", file(`${name}.key`));
  }
  openssl("req", "-x509", "-new", "-key", file("root.key"), "-subj", "/CN=kinto-edge development root", "-days", "3650", "-sha384", "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign", "-out", file("root.pem"));
  const issue = (name, subject, issuer, ext) => {
    openssl("req", "-new", "-key", file(`${name}.key`), "-subj", subject, "-out", file(`${name}.csr`));
    openssl("x509", "-req", "-in", file(`${name}.csr`), "-CA", file(`${issuer}.pem`), "-CAkey", file(`${issuer}.key`), "-CAcreateserial", "-days", "3650", "-sha384", "-extfile", file(ext), "-out", file(`${name}.pem`));
  };
  issue("intermediate", "/CN=kinto-edge development intermediate", "root", "ca.ext");
  issue("leaf", `/CN=${signerId}`, "intermediate", "leaf.ext");
  const key = readFileSync(file("leaf.key"), "utf8").trim();
  const chain = ["leaf", "intermediate", "root"].map((name) => readFileSync(file(`${name}.pem`), "utf8").trim()).join("\n");
  process.stdout.write(`KINTO_SIGNER_ECDSA_PRIVATE_KEY = """\n${key}\n"""\nKINTO_SIGNER_ECDSA_CERTIFICATE_CHAIN = """\n${chain}\n"""\nKINTO_SIGNER_ECDSA_SIGNER_ID = "${signerId}"\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
