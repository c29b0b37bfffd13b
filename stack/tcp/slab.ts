/**
 * Byte pieces carved out of larger zeroed buffers: one JS view per piece
 * instead of one ArrayBuffer allocation (a calloc plus GC bookkeeping) per
 * segment. Pieces are never reused, so their bytes start as zeros like a fresh
 * Uint8Array's and runs stay byte-identical. One slab per TcpLayer (no module
 * state). A piece keeps its whole slab alive; big pieces get their own buffer.
 * Pieces are 8-byte aligned.
 */
import { WordView } from '../wire/checksum';

export class Slab {
  private buf = new Uint8Array(0);
  private ab: ArrayBufferLike = this.buf.buffer;
  private u32 = new Uint32Array(0);
  private off = 0;
  /** Where the last piece lies, for the checksum (saves the typed-array getters). */
  readonly words = new WordView();

  constructor(
    private readonly size = 256 * 1024,
    private readonly maxPiece = 16 * 1024,
  ) {}

  /** A zeroed piece of `n` bytes (an arrow function: it can be handed around unbound). */
  readonly alloc = (n: number): Uint8Array => {
    if (n > this.maxPiece) return new Uint8Array(n);
    if (this.off + n > this.buf.length) {
      this.buf = new Uint8Array(this.size);
      this.ab = this.buf.buffer;
      this.u32 = new Uint32Array(this.ab, 0, this.size >> 2);
      this.off = 0;
    }
    const out = new Uint8Array(this.ab, this.off, n);
    this.words.know(out, this.ab, this.u32, this.off);
    // Pieces start 8-byte aligned, so checksums can read the bytes as 32-bit words.
    this.off = (this.off + n + 7) & ~7;
    return out;
  };
}
