package dev.parley.contract.redis;

import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.util.concurrent.CompletableFuture;

/**
 * One connection to Redis, standalone or cluster. {@link #commands()} is the command set both share;
 * in cluster mode each command goes to the node owning its key's slot, and lettuce follows MOVED
 * and ASK redirections itself.
 */
public record RedisConnection(
    StatefulConnection<String, String> stateful,
    RedisClusterAsyncCommands<String, String> commands,
    boolean cluster) {

  public boolean isOpen() {
    return stateful.isOpen();
  }

  public CompletableFuture<Void> closeAsync() {
    return stateful.closeAsync();
  }

  /**
   * The slot of {@code key} on a cluster (its hash tag's, if it has one); 0 for every key on a single
   * server, where any keys may go together.
   */
  public int slotOf(String key) {
    return cluster ? SlotHash.getSlot(key) : 0;
  }
}
