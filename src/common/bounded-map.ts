/**
 * A Map of at most `limit` entries: setting a key it does not hold while full drops the oldest
 * entry first (Map iteration order is insertion order). For in-process caches that must stay
 * bounded whatever the input.
 */
export class BoundedMap<K, V> extends Map<K, V> {
  constructor(private readonly limit: number) {
    super();
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError('a BoundedMap holds at least one entry');
  }

  override set(key: K, value: V): this {
    if (this.size >= this.limit && !this.has(key)) this.delete(this.keys().next().value as K);
    return super.set(key, value);
  }
}
