package dev.parley.worker.store;

/**
 * What a committed transaction did.
 *
 * @param inserted messages newly stored (a redelivered one already there does not count)
 * @param deadLettered entries newly written to {@code dead_letters}
 */
public record StoreResult(int inserted, int duplicates, int deadLettered) {

  public static final StoreResult NOTHING = new StoreResult(0, 0, 0);

  public StoreResult plus(StoreResult other) {
    return new StoreResult(
        inserted + other.inserted,
        duplicates + other.duplicates,
        deadLettered + other.deadLettered);
  }
}
