/**
 * Secure mode's parts: CURVE certificates in pyzmq's text format, vidgear's key folder
 * (`.vidgear/keys/{public_keys,private_keys}`), and a ZAP handler that authenticates the
 * connections of one context. NetGear uses them when `secureMode` is 1 or 2.
 *
 * @example Make a key folder that Python vidgear and Deno peers share
 * ```ts ignore
 * import { generateKeys } from "./mod.ts";
 * const keys = generateKeys("/srv/netgear"); // /srv/netgear/.vidgear/keys/...
 * console.log(keys.serverPublicKey);
 * ```
 *
 * @module
 */

export {
  type Certificate,
  formatCertificate,
  isZ85Key,
  parseCertificate,
  readCertificate,
  writeCertificates,
} from "./certificate.ts";
export {
  type GeneratedKeys,
  generateKeys,
  type GenerateKeysOptions,
  type KeyFolder,
  keyFolder,
  readPublicKeys,
} from "./key_folder.ts";
export {
  ZAP_ENDPOINT,
  ZapHandler,
  type ZapHandlerOptions,
  type ZapRequest,
  type ZapVerdict,
} from "./zap_handler.ts";
// The context a ZapHandler serves (the same class as `./zmq` exports).
export type { Context } from "../zmq/mod.ts";
