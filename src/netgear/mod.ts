/**
 * NetGear's modes: plain, multi-server, multi-client and bidirectional, over PAIR, REQ/REP and
 * PUB/SUB, with or without secure mode (CURVE), wire-compatible with Python vidgear.
 *
 * @module
 */

export { NetGear } from "./netgear.ts";
export type {
  ClientReply,
  FrameAge,
  GoneReason,
  LiveRate,
  NetGearInit,
  NetGearItem,
  NetGearStats,
  RecvOptions,
  SendOptions,
  ServerEvent,
  ServerInfo,
} from "./types.ts";
export {
  type DeliveryMode,
  type JpegOptions,
  type NetGearOptions,
  type Pattern,
  type Port,
  type ResolvedOptions,
} from "./options.ts";
export { type Refusal, type RefusalReason } from "./secure.ts";
export {
  type GeneratedKeys,
  generateKeys,
  type GenerateKeysOptions,
  type KeyFolder,
  keyFolder,
} from "../secure/mod.ts";
export type { HeaderFormat } from "../protocol/mod.ts";
export type { JpegColorspace } from "../codec/types.ts";
