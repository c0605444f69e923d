package dev.parley.presence.redis;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Runs a per-user script over many users: one run per group of users whose keys share a cluster slot
 * (on a single server, any users together), at most {@link #MAX} per run so none holds Redis long.
 * The runs go out together; lettuce pipelines them.
 */
public final class UserBatches {
  /** Users per script run. */
  public static final int MAX = 500;

  private UserBatches() {}

  /**
   * Runs {@code script} on {@code items}: KEYS are each item's user's keys ({@link PresenceKeys#user}),
   * ARGV {@code fixedArgs} then each item's {@code itemArgs}. Completes with every run's reply.
   */
  public static <T> Future<List<List<Object>>> run(
      LuaScript script,
      RedisLink redis,
      PresenceKeys keys,
      String context,
      List<String> fixedArgs,
      List<T> items,
      Function<T, String> userOf,
      Function<T, List<String>> itemArgs) {
    List<Future<List<Object>>> runs =
        start(script, redis, keys, context, fixedArgs, items, userOf, itemArgs).stream()
            .map(Run::reply)
            .toList();
    return Future.all(runs).map(all -> all.<List<Object>>list());
  }

  /** One script run: the items it was given and its reply, for a caller that handles each apart. */
  public record Run<T>(List<T> items, Future<List<Object>> reply) {}

  /** As {@link #run}, but each run's outcome on its own: some may fail while others succeed. */
  public static <T> List<Run<T>> start(
      LuaScript script,
      RedisLink redis,
      PresenceKeys keys,
      String context,
      List<String> fixedArgs,
      List<T> items,
      Function<T, String> userOf,
      Function<T, List<String>> itemArgs) {
    List<Run<T>> runs = new ArrayList<>();
    for (List<T> group : groups(redis, keys, items, userOf)) {
      List<String> k = new ArrayList<>(group.size() * PresenceKeys.PER_USER);
      List<String> a = new ArrayList<>(fixedArgs);
      for (T item : group) {
        k.addAll(keys.user(userOf.apply(item)));
        a.addAll(itemArgs.apply(item));
      }
      runs.add(new Run<>(group, script.run(redis, context + " users=" + group.size(), k, a)));
    }
    return runs;
  }

  private static <T> List<List<T>> groups(
      RedisLink redis, PresenceKeys keys, List<T> items, Function<T, String> userOf) {
    Map<Integer, List<T>> bySlot = new LinkedHashMap<>();
    List<List<T>> out = new ArrayList<>();
    for (T item : items) {
      int slot = redis.slotOf(keys.connections(userOf.apply(item)));
      List<T> group = bySlot.computeIfAbsent(slot, s -> new ArrayList<>());
      group.add(item);
      if (group.size() == MAX) {
        out.add(group);
        bySlot.remove(slot);
      }
    }
    out.addAll(bySlot.values());
    return out;
  }
}
