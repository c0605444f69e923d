package dev.parley.contract;

import java.nio.charset.StandardCharsets;

/**
 * Which partition a conversation belongs to: the 32-bit FNV-1a hash of the UTF-8 bytes of its id,
 * modulo the number of partitions. It is the function of nats-server's subject mapping
 * {@code {{partition(n,1)}}} (checked against nats-server 2.9.10), so a deployment that later
 * lets the server route by mapping keeps every conversation where it is, and an integrator can
 * compute it in any language (docs/scaling.md shows it).
 */
public final class Partitioning {
  private static final int FNV_OFFSET_BASIS = 0x811c9dc5;
  private static final int FNV_PRIME = 0x01000193;

  private Partitioning() {}

  public static int partitionOf(String conversationId, int partitions) {
    if (partitions == 1) {
      return 0;
    }
    return (int) (Integer.toUnsignedLong(fnv1a32(conversationId)) % partitions);
  }

  static int fnv1a32(String key) {
    int hash = FNV_OFFSET_BASIS;
    for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
      hash ^= b & 0xff;
      hash *= FNV_PRIME;
    }
    return hash;
  }
}
