/** Something whose memory can be told in bytes. */
export interface Sized {
  readonly bytes: number;
}

/**
 * A map bounded by the bytes its values take: the least recently used values leave first. A
 * value larger than the whole bound is not kept.
 */
export class ByteLru<Value extends Sized> {
  // A Map iterates in insertion order, so re-inserting on every use keeps the least recent first.
  private readonly entries = new Map<string, Value>();
  private totalBytes = 0;

  constructor(
    readonly maxBytes: number,
    private readonly onEvict: (value: Value) => void = () => {},
  ) {}

  get bytes(): number {
    return this.totalBytes;
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: string): Value | undefined {
    const value = this.entries.get(key);
    if (value !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }

  /** Keeps the value, evicting the least recently used ones until all fit; false when it cannot fit at all. */
  set(key: string, value: Value): boolean {
    this.delete(key);
    if (value.bytes > this.maxBytes) return false;
    this.entries.set(key, value);
    this.totalBytes += value.bytes;
    for (const [oldestKey, oldest] of this.entries) {
      if (this.totalBytes <= this.maxBytes) break;
      this.delete(oldestKey);
      this.onEvict(oldest);
    }
    return true;
  }

  delete(key: string): void {
    const value = this.entries.get(key);
    if (value === undefined) return;
    this.entries.delete(key);
    this.totalBytes -= value.bytes;
  }

  clear(): void {
    this.entries.clear();
    this.totalBytes = 0;
  }
}
