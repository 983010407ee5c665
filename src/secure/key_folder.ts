/**
 * vidgear's key folder: `<base>/.vidgear/keys/public_keys/{server.key, client.key}` and
 * `<base>/.vidgear/keys/private_keys/{server.key_secret, client.key_secret}`, in pyzmq's
 * certificate format, so one folder serves Python vidgear and Deno peers alike.
 *
 * @module
 */

import { type CurveKeyPair, curveKeyPair, curvePublicKey } from "../zmq/mod.ts";
import { NetGearError } from "../errors.ts";
import { type Certificate, readCertificate, writeCertificates } from "./certificate.ts";

/** Where a key folder's files live. */
export interface KeyFolder {
  /** `<base>/.vidgear/keys`. */
  readonly path: string;
  /** `<path>/public_keys`: `server.key`, `client.key`, and (IronHouse) any other allowed key. */
  readonly publicKeysDir: string;
  /** `<path>/private_keys`: `server.key_secret`, `client.key_secret`. */
  readonly privateKeysDir: string;
}

/** Options of {@link generateKeys}. */
export interface GenerateKeysOptions {
  /**
   * Delete both key folders and make new key pairs even when valid ones exist (vidgear's
   * `overwrite_cert`). Every peer then needs the new folder.
   * @default {false}
   */
  overwrite?: boolean;
}

/** What {@link generateKeys} leaves: the folder, its two public keys, and whether it made them. */
export interface GeneratedKeys extends KeyFolder {
  /** The receiver's (CURVE server's) public key. */
  readonly serverPublicKey: string;
  /** The senders' (CURVE clients') public key. */
  readonly clientPublicKey: string;
  /** True when new keys were written, false when valid ones were already there. */
  readonly generated: boolean;
}

/** The files of the folder, by vidgear's names. */
const FILES = [
  ["publicKeysDir", "server.key"],
  ["publicKeysDir", "client.key"],
  ["privateKeysDir", "server.key_secret"],
  ["privateKeysDir", "client.key_secret"],
] as const;

function homeDir(): string {
  const home = Deno.env.get("HOME") ?? Deno.env.get("USERPROFILE");
  if (!home) {
    throw new NetGearError(
      "Cannot find the home folder for the keys: set HOME, or give a key location (customCertLocation)",
    );
  }
  return home;
}

function basename(path: string): string {
  return path.replace(/[\\/]+$/, "").split(/[\\/]/).pop() ?? "";
}

function absolute(path: string): string {
  if (/^([\\/]|[A-Za-z]:[\\/])/.test(path)) return path.replace(/[\\/]+$/, "") || "/";
  return `${Deno.cwd()}/${path}`.replace(/[\\/]+$/, "");
}

/**
 * The key folder of a location, as vidgear resolves it: `<location>/.vidgear/keys` (`.vidgear`
 * is not added twice when the location already ends in it); the user's home folder when no
 * location is given. Touches no file.
 *
 * @example
 * ```ts
 * import { keyFolder } from "./key_folder.ts";
 * keyFolder("/srv/cams").publicKeysDir; // "/srv/cams/.vidgear/keys/public_keys"
 * ```
 */
export function keyFolder(location?: string): KeyFolder {
  const base = absolute(location ?? homeDir());
  const vidgear = basename(base) === ".vidgear" ? base : `${base}/.vidgear`;
  const path = `${vidgear}/keys`;
  return { path, publicKeysDir: `${path}/public_keys`, privateKeysDir: `${path}/private_keys` };
}

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

/** Which of the folder's four files exist. */
function presentFiles(folder: KeyFolder): string[] {
  return FILES.map(([dir, name]) => `${folder[dir]}/${name}`).filter(exists);
}

/** Reads a secret certificate and checks that its public key belongs to its secret key. */
function readKeyPair(path: string): CurveKeyPair {
  const { publicKey, secretKey } = readCertificate(path);
  if (secretKey === undefined) {
    throw new NetGearError(
      `Cannot read "${path}": it has no secret-key line; regenerate the keys (overwrite)`,
    );
  }
  if (curvePublicKey(secretKey) !== publicKey) {
    throw new NetGearError(
      `Cannot use "${path}": its public key does not belong to its secret key; regenerate the keys (overwrite)`,
    );
  }
  return { publicKey, secretKey };
}

/** The folder's two key pairs, with the public files checked against the secret ones. */
function readAll(folder: KeyFolder): { server: CurveKeyPair; client: CurveKeyPair } {
  const server = readKeyPair(`${folder.privateKeysDir}/server.key_secret`);
  const client = readKeyPair(`${folder.privateKeysDir}/client.key_secret`);
  for (const [name, pair] of [["server", server], ["client", client]] as const) {
    const path = `${folder.publicKeysDir}/${name}.key`;
    if (readCertificate(path).publicKey !== pair.publicKey) {
      throw new NetGearError(
        `Cannot use the keys in "${folder.path}": "${path}" does not match private_keys/${name}.key_secret; regenerate the keys (overwrite)`,
      );
    }
  }
  return { server, client };
}

/**
 * Makes the key folder of a location (see {@link keyFolder}): a server and a client key pair
 * in pyzmq's certificate format, laid out as vidgear lays them out. Leaves a complete, valid
 * folder as it is unless `overwrite` is set. Copy the folder to every peer (Python vidgear
 * peers read it too). Synchronous: it writes four small files.
 *
 * Needs `--allow-read` and `--allow-write` on the folder (`--allow-env` for the home folder)
 * and a libzmq with CURVE.
 *
 * @param location The base folder; the home folder when omitted. It must exist.
 * @throws {NetGearError} When the location is not an existing folder, or it holds an
 * incomplete or invalid key folder and `overwrite` is not set.
 *
 * @example Make keys once, then start secure peers with customCertLocation
 * ```ts ignore
 * import { generateKeys } from "../../mod.ts";
 * const keys = generateKeys("/srv/netgear");
 * console.log(keys.path); // "/srv/netgear/.vidgear/keys"
 * ```
 */
export function generateKeys(
  location?: string,
  options: GenerateKeysOptions = {},
): GeneratedKeys {
  const folder = keyFolder(location);
  const base = location === undefined ? homeDir() : absolute(location);
  let info: Deno.FileInfo;
  try {
    info = Deno.statSync(base);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
    throw new NetGearError(`Cannot make keys in "${base}": no such folder; create it first`);
  }
  if (!info.isDirectory) {
    throw new NetGearError(`Cannot make keys in "${base}": it is not a folder; give a folder`);
  }
  const present = presentFiles(folder);
  if (!options.overwrite && present.length === FILES.length) {
    const { server, client } = readAll(folder);
    return {
      ...folder,
      serverPublicKey: server.publicKey,
      clientPublicKey: client.publicKey,
      generated: false,
    };
  }
  if (!options.overwrite && present.length > 0) {
    throw new NetGearError(
      `Cannot make keys in "${folder.path}": it already holds some (${
        present.map(basename).join(", ")
      }) but not all four; pass overwrite to replace them, or copy the complete folder`,
    );
  }
  for (const dir of [folder.publicKeysDir, folder.privateKeysDir]) {
    if (exists(dir)) Deno.removeSync(dir, { recursive: true });
  }
  return writeFolder(folder);
}

function writeFolder(folder: KeyFolder): GeneratedKeys {
  Deno.mkdirSync(folder.publicKeysDir, { recursive: true });
  Deno.mkdirSync(folder.privateKeysDir, { recursive: true, mode: 0o700 });
  const server = curveKeyPair();
  const client = curveKeyPair();
  for (const [name, pair] of [["server", server], ["client", client]] as const) {
    // As vidgear does: pyzmq's pair of files in one folder, then the public one moved over.
    const { publicFile } = writeCertificates(folder.privateKeysDir, name, pair);
    Deno.renameSync(publicFile, `${folder.publicKeysDir}/${name}.key`);
  }
  return {
    ...folder,
    serverPublicKey: server.publicKey,
    clientPublicKey: client.publicKey,
    generated: true,
  };
}

/**
 * Reads every public key of a folder: each `*.key` file, as pyzmq's `load_certificates` does.
 * IronHouse receivers allow exactly these client keys.
 *
 * @throws {TypeError} When a `*.key` file holds no valid public key.
 */
export function readPublicKeys(dir: string): string[] {
  const keys: string[] = [];
  for (const entry of Deno.readDirSync(dir)) {
    if (!entry.name.endsWith(".key") || entry.isDirectory) continue;
    keys.push(readCertificate(`${dir}/${entry.name}`).publicKey);
  }
  return keys;
}

/** The keys a receiver (CURVE server) uses: its own pair. */
export function readReceiverKeys(folder: KeyFolder): CurveKeyPair {
  return readKeyPair(`${folder.privateKeysDir}/server.key_secret`);
}

/** The keys a sender (CURVE client) uses: its own pair and the receiver's public key. */
export function readSenderKeys(
  folder: KeyFolder,
): { client: CurveKeyPair; serverPublicKey: string } {
  const client = readKeyPair(`${folder.privateKeysDir}/client.key_secret`);
  const server: Certificate = readCertificate(`${folder.publicKeysDir}/server.key`);
  return { client, serverPublicKey: server.publicKey };
}

/** Whether the folder holds none of its four files (so keys may be made without losing any). */
export function isEmptyKeyFolder(folder: KeyFolder): boolean {
  return presentFiles(folder).length === 0;
}
