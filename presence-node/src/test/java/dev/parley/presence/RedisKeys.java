package dev.parley.presence;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;

/**
 * Resets a test's Redis keys between tests of one class (the environment removes them after the
 * class). On a cluster, lettuce's SCAN walks every master and DEL splits its keys by slot.
 */
final class RedisKeys {
  private RedisKeys() {}

  static void deleteAll(RedisClusterCommands<String, String> redis, String keyPrefix) {
    ScanCursor cursor = ScanCursor.INITIAL;
    do {
      KeyScanCursor<String> page =
          redis.scan(cursor, ScanArgs.Builder.matches(keyPrefix + ":*").limit(500));
      if (!page.getKeys().isEmpty()) {
        redis.del(page.getKeys().toArray(String[]::new));
      }
      cursor = page;
    } while (!cursor.isFinished());
  }
}
