// UTF-8 encoding of serialized items into shared slabs: one allocation per megabyte of items
// instead of one backing store per item, which a full rebuild's tens of thousands of items
// otherwise pay for in allocation and garbage collection. A slab lives as long as any item cut
// from it (the serializers' per-entry caches), so it goes with the entries of one rebuild.

const SLAB_SIZE = 1 << 20;
/** Texts that could take more than this share of a slab get their own buffer. */
const LARGEST = SLAB_SIZE >> 3;

let slab = Buffer.allocUnsafe(SLAB_SIZE);
let used = 0;

export function encodeUtf8(text: string): Uint8Array {
  // A UTF-16 code unit never takes more than 3 bytes in UTF-8.
  const most = text.length * 3;
  if (most > LARGEST) return Buffer.from(text, 'utf8');
  if (used + most > SLAB_SIZE) {
    slab = Buffer.allocUnsafe(SLAB_SIZE);
    used = 0;
  }
  const length = slab.write(text, used, 'utf8');
  const bytes = slab.subarray(used, used + length);
  used += length;
  return bytes;
}
