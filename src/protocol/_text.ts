// Shared UTF-8 codecs: one instance each, reused for every message.

/** Encodes strings to UTF-8. */
export const utf8Encoder: TextEncoder = new TextEncoder();

/**
 * Decodes UTF-8 strictly (invalid bytes throw, as Python's `bytes.decode("utf8")` does) and keeps
 * a leading BOM, which a JSON parser then refuses, as Python's `json.loads` does.
 */
export const utf8Decoder: TextDecoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
