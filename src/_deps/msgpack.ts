// The msgpack implementation, pinned here and nowhere else in the library's source.
//
// Fully qualified, so that the library resolves the same way from a file, a URL or JSR, whatever
// import map the consumer has (the repo's deno.json is not consulted then).

export {
  decode,
  Decoder,
  encode,
  Encoder,
  ExtData,
  ExtensionCodec,
} from "npm:@msgpack/msgpack@3.1.3";
