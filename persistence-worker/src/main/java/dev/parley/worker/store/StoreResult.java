package dev.parley.worker.store;

/**
 * What a committed transaction did.
 *
 * @param inserted messages newly stored (a redelivered one already there does not count)
 * @param setAside entries written to {@code undeliverable_events}
 */
public record StoreResult(int inserted, int duplicates, int setAside) {

  public static final StoreResult NOTHING = new StoreResult(0, 0, 0);

  public StoreResult plus(StoreResult other) {
    return new StoreResult(inserted + other.inserted, duplicates + other.duplicates, setAside + other.setAside);
  }
}
