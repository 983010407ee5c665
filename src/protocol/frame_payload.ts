/**
 * What a frame message or an array reply carries in part 2: a raw frame or JPEG bytes.
 *
 * @module
 */

import type { Frame } from "../frame.ts";
import type { JpegPayload } from "./jpeg_settings.ts";

/**
 * Exactly one of a raw frame (`compression: false`, part 2 is `frame.data`) or a JPEG payload
 * (`compression: {...}`, part 2 is `jpeg.bytes`). Check `frame` to tell them apart.
 */
export type FramePayload =
  | {
    /** The raw frame: dtype, shape and C-order bytes. */
    readonly frame: Frame;
    /** Absent when a raw frame is given. */
    readonly jpeg?: undefined;
  }
  | {
    /** The JPEG bytes and their decode settings. */
    readonly jpeg: JpegPayload;
    /** Absent when a JPEG payload is given. */
    readonly frame?: undefined;
  };
