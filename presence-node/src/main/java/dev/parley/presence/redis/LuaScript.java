package dev.parley.presence.redis;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * A Lua script run with EVALSHA, falling back to EVAL when Redis does not know it yet (first use,
 * or Redis restarted and lost its script cache; on a cluster, each master learns it on first use);
 * EVAL caches it for the next EVALSHA.
 *
 * <p>Every key a script touches is passed in KEYS and all of them share one hash slot: on a Redis
 * Cluster the call goes to the master owning the first key's slot, which refuses keys of another.
 */
public final class LuaScript {
  private final String name;
  private final String source;
  private final String sha;

  public LuaScript(String name, String source) {
    this.name = name;
    this.source = source;
    this.sha = sha1(source);
  }

  public String name() {
    return name;
  }

  /** Runs the script; its reply is a (possibly nested) list of Longs and Strings. */
  public Future<List<Object>> run(
      RedisLink redis, String context, List<String> keys, List<String> args) {
    String[] k = keys.toArray(String[]::new);
    String[] a = args.toArray(String[]::new);
    return redis
        .<List<Object>>call(name, context, r -> r.evalsha(sha, ScriptOutputType.MULTI, k, a))
        .recover(
            e ->
                e instanceof RedisNoScriptException
                    ? redis.call(name, context, r -> r.eval(source, ScriptOutputType.MULTI, k, a))
                    : Future.failedFuture(e));
  }

  private static String sha1(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is part of every JDK", e);
    }
  }
}
