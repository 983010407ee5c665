// Private: the smallest Matroska stream that carries raw video frames with their own timestamps,
// the input the recorder feeds ffmpeg on stdin. One track, V_UNCOMPRESSED with the pixel
// format's fourcc as its ColourSpace; a Segment of unknown size (a live stream); one Cluster per
// frame, so each frame carries an absolute timestamp in milliseconds however far apart frames are.

/** Raw pixel formats the recorder feeds, with their fourcc (as ffmpeg's raw decoder reads it). */
export const RAW_FOURCC = {
  gray: [0x59, 0x38, 0x30, 0x30], // "Y800"
  bgr24: [0x42, 0x47, 0x52, 24], // "BGR" 24
  bgra: [0x42, 0x47, 0x52, 0x41], // "BGRA"
} as const;

/** A raw pixel format the recorder feeds ffmpeg. */
export type RawFormat = keyof typeof RAW_FOURCC;

const EBML = 0x1a45dfa3;
const SEGMENT = 0x18538067;
const INFO = 0x1549a966;
const TRACKS = 0x1654ae6b;
const TRACK_ENTRY = 0xae;
const VIDEO = 0xe0;
const CLUSTER = 0x1f43b675;
const TIMESTAMP = 0xe7;
const SIMPLE_BLOCK = 0xa3;
/** An EBML size of 8 bytes, all ones: "unknown", for a stream without an end. */
const UNKNOWN_SIZE = [0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff];

function idBytes(id: number): number[] {
  const bytes: number[] = [];
  for (let value = id; value > 0; value = Math.floor(value / 256)) bytes.unshift(value & 0xff);
  return bytes;
}

/** An EBML size in 8 bytes (the widest form), so block headers have one fixed length. */
function size8(size: number): number[] {
  const bytes = [0x01, 0, 0, 0, 0, 0, 0, 0];
  for (let i = 7, value = size; i > 0; i--, value = Math.floor(value / 256)) {
    bytes[i] = value & 0xff;
  }
  return bytes;
}

function uintBytes(value: number): number[] {
  const bytes: number[] = [];
  for (let v = value; v > 0 || bytes.length === 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return bytes;
}

function element(id: number, body: readonly number[]): number[] {
  return [...idBytes(id), ...size8(body.length), ...body];
}

function uint(id: number, value: number): number[] {
  return element(id, uintBytes(value));
}

function text(id: number, value: string): number[] {
  return element(id, [...new TextEncoder().encode(value)]);
}

/** The stream's start: EBML header, the Segment (unknown size), its Info and its one track. */
export function matroskaHeader(
  width: number,
  height: number,
  format: RawFormat,
): Uint8Array<ArrayBuffer> {
  const header = element(EBML, [
    ...uint(0x4286, 1), // EBMLVersion
    ...uint(0x42f7, 1), // EBMLReadVersion
    ...uint(0x42f2, 4), // EBMLMaxIDLength
    ...uint(0x42f3, 8), // EBMLMaxSizeLength
    ...text(0x4282, "matroska"), // DocType
    ...uint(0x4287, 4), // DocTypeVersion
    ...uint(0x4285, 2), // DocTypeReadVersion
  ]);
  const info = element(INFO, [
    ...uint(0x2ad7b1, 1_000_000), // TimestampScale: milliseconds
    ...text(0x4d80, "netgear"), // MuxingApp
    ...text(0x5741, "netgear"), // WritingApp
  ]);
  const tracks = element(
    TRACKS,
    element(TRACK_ENTRY, [
      ...uint(0xd7, 1), // TrackNumber
      ...uint(0x73c5, 1), // TrackUID
      ...uint(0x83, 1), // TrackType: video
      ...uint(0x9c, 0), // FlagLacing
      ...text(0x86, "V_UNCOMPRESSED"), // CodecID
      ...element(VIDEO, [
        ...uint(0xb0, width), // PixelWidth
        ...uint(0xba, height), // PixelHeight
        ...element(0x2eb524, [...RAW_FOURCC[format]]), // ColourSpace
      ]),
    ]),
  );
  return new Uint8Array([...header, ...idBytes(SEGMENT), ...UNKNOWN_SIZE, ...info, ...tracks]);
}

/** Bytes before a frame's pixels in {@link frameBlock}'s layout. */
export const BLOCK_HEADER_BYTES = 4 + 8 + 1 + 8 + 8 + 1 + 8 + 4;

/**
 * Writes into `target` the Cluster of one frame at `time` (milliseconds from the file's start):
 * its header, then `pixels`. `target` must hold {@link BLOCK_HEADER_BYTES} plus the pixels.
 * Returns the bytes written.
 */
export function frameBlock(target: Uint8Array, time: number, pixels: Uint8Array): number {
  const blockSize = 4 + pixels.byteLength;
  const timestamp = [TIMESTAMP, ...size8(8), ...eightBytes(time)];
  const block = [SIMPLE_BLOCK, ...size8(blockSize), 0x81, 0x00, 0x00, 0x80]; // track 1, +0, key
  const head = [...idBytes(CLUSTER), ...size8(timestamp.length + block.length + pixels.byteLength)];
  let offset = 0;
  for (const part of [head, timestamp, block]) {
    target.set(part, offset);
    offset += part.length;
  }
  target.set(pixels, offset);
  return offset + pixels.byteLength;
}

function eightBytes(value: number): number[] {
  const bytes = new Array<number>(8).fill(0);
  for (let i = 7, v = Math.max(0, Math.round(value)); i >= 0; i--, v = Math.floor(v / 256)) {
    bytes[i] = v & 0xff;
  }
  return bytes;
}
