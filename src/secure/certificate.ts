/**
 * CURVE certificates in pyzmq's text format (`zmq.auth.create_certificates`): a `#` banner, a
 * `metadata` section, then a `curve` section with `public-key = "<Z85>"` and, in a secret
 * certificate, `secret-key = "<Z85>"`. Files written here load in pyzmq's
 * `zmq.auth.load_certificate`, and pyzmq's files load here.
 *
 * @module
 */

/** The keys of one certificate file, each 40 characters of Z85. */
export interface Certificate {
  /** The public key. */
  readonly publicKey: string;
  /** The secret key: present in a secret certificate (`*.key_secret`) only. */
  readonly secretKey?: string;
}

const Z85_KEY = /^[0-9a-zA-Z.\-:+=^!/*?&<>()[\]{}@%$#]{40}$/;

/** Whether `key` looks like a CURVE key: 40 characters of Z85. */
export function isZ85Key(key: unknown): key is string {
  return typeof key === "string" && Z85_KEY.test(key);
}

function banner(secret: boolean, now: Date): string {
  const stamp = now.toISOString().replace("T", " ").replace("Z", "");
  const lines = secret
    ? [
      `#   ****  Generated on ${stamp} by NetGear for Deno  ****`,
      "#   ZeroMQ CURVE **Secret** Certificate",
      "#   DO NOT PROVIDE THIS FILE TO OTHER USERS nor change its permissions.",
    ]
    : [
      `#   ****  Generated on ${stamp} by NetGear for Deno  ****`,
      "#   ZeroMQ CURVE Public Certificate",
      "#   Exchange securely, or use a secure mechanism to verify the contents",
      "#   of this file after exchange.",
    ];
  return lines.join("\n") + "\n\n";
}

/**
 * Writes a certificate as text, in pyzmq's layout: a secret certificate when `secretKey` is
 * given, a public one otherwise.
 *
 * @throws {TypeError} When a key is not 40 characters of Z85.
 *
 * @example
 * ```ts
 * import { formatCertificate, parseCertificate } from "./certificate.ts";
 * const publicKey = "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7";
 * const text = formatCertificate({ publicKey });
 * parseCertificate(text).publicKey === publicKey; // true
 * ```
 */
export function formatCertificate(certificate: Certificate, now: Date = new Date()): string {
  const { publicKey, secretKey } = certificate;
  if (!isZ85Key(publicKey)) {
    throw new TypeError("Cannot write a certificate: publicKey must be 40 characters of Z85");
  }
  if (secretKey !== undefined && !isZ85Key(secretKey)) {
    throw new TypeError("Cannot write a certificate: secretKey must be 40 characters of Z85");
  }
  let text = banner(secretKey !== undefined, now) + "metadata\ncurve\n";
  text += `    public-key = "${publicKey}"\n`;
  if (secretKey !== undefined) text += `    secret-key = "${secretKey}"\n`;
  return text;
}

/** The value after `=`, stripped of spaces, tabs and quotes, as pyzmq's loader reads it. */
function valueOf(line: string): string {
  return line.slice(line.indexOf("=") + 1).replace(/^[ \t'"]+|[ \t'"]+$/g, "");
}

/**
 * Reads a certificate's keys from its text, as pyzmq's `load_certificate` does (lines starting
 * with `public-key` and `secret-key`; `#` lines skipped), then checks that each key is 40
 * characters of Z85.
 *
 * @param source Names the text in error messages (e.g. its file path).
 * @throws {TypeError} When no public key is found, or a key is not 40 characters of Z85.
 */
export function parseCertificate(text: string, source = "the certificate"): Certificate {
  let publicKey: string | undefined;
  let secretKey: string | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line.startsWith("#") || !line.includes("=")) continue;
    if (line.startsWith("public-key")) publicKey ??= valueOf(line);
    else if (line.startsWith("secret-key")) secretKey ??= valueOf(line);
  }
  if (publicKey === undefined) {
    throw new TypeError(
      `Cannot read ${source}: it has no public-key line; regenerate it (generateKeys, or pyzmq's zmq.auth.create_certificates)`,
    );
  }
  for (const [name, key] of [["public-key", publicKey], ["secret-key", secretKey]] as const) {
    if (key !== undefined && !isZ85Key(key)) {
      throw new TypeError(
        `Cannot read ${source}: its ${name} is not 40 characters of Z85; regenerate it`,
      );
    }
  }
  return secretKey === undefined ? { publicKey } : { publicKey, secretKey };
}

/**
 * Reads a certificate file (see {@link parseCertificate}).
 *
 * @throws {Deno.errors.NotFound} When the file does not exist.
 * @throws {TypeError} When it holds no valid public key.
 */
export function readCertificate(path: string): Certificate {
  return parseCertificate(Deno.readTextFileSync(path), `"${path}"`);
}

/**
 * Writes a key pair as pyzmq does: `<dir>/<name>.key` (public) and `<dir>/<name>.key_secret`
 * (both keys, readable by its owner only where the OS has file modes).
 *
 * @returns The two file paths.
 */
export function writeCertificates(
  dir: string,
  name: string,
  pair: { publicKey: string; secretKey: string },
): { publicFile: string; secretFile: string } {
  const publicFile = `${dir}/${name}.key`;
  const secretFile = `${dir}/${name}.key_secret`;
  const now = new Date();
  Deno.writeTextFileSync(publicFile, formatCertificate({ publicKey: pair.publicKey }, now));
  Deno.writeTextFileSync(secretFile, formatCertificate(pair, now), { mode: 0o600 });
  return { publicFile, secretFile };
}
