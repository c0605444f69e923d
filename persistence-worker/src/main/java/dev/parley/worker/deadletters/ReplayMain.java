package dev.parley.worker.deadletters;

import dev.parley.contract.config.ConfigException;
import dev.parley.contract.config.ConfigFile;
import dev.parley.contract.config.Env;
import dev.parley.contract.config.NatsSettings;
import dev.parley.contract.config.PostgresSettings;
import dev.parley.contract.nats.NatsConnections;
import io.nats.client.Connection;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code java -jar persistence-worker-all.jar replay [--stream <stream>] <stream_seq>...} or
 * {@code … replay --all-pending} (or this class as the main class): replays dead letters, with the
 * same PARLEY_* settings as the worker. One line per dead letter; exit 0 when every one was
 * replayed, 1 otherwise, 2 on bad arguments or settings.
 */
public final class ReplayMain {
  private ReplayMain() {}

  public static void main(String[] args) throws Exception {
    Env env;
    try {
      env = ConfigFile.withFile(Env.system());
    } catch (ConfigException e) {
      System.err.println("replay: configuration error: " + e.getMessage());
      System.exit(2);
      return;
    }
    System.exit(run(args, env, System.out, System.err));
  }

  /** The command, without exiting: the exit code. */
  public static int run(String[] args, Env env, PrintStream out, PrintStream err) throws Exception {
    ReplayRequest request;
    try {
      request = ReplayRequest.parse(args);
    } catch (IllegalArgumentException e) {
      err.println(e.getMessage());
      err.println(ReplayRequest.USAGE);
      return 2;
    }
    PostgresSettings pg;
    NatsSettings nats;
    try {
      pg = PostgresSettings.fromEnv(env);
      nats = NatsSettings.fromEnv(env);
    } catch (ConfigException e) {
      err.println("invalid configuration: " + e.getMessage());
      return 2;
    }
    Vertx vertx = Vertx.vertx();
    Pool pool = PgBuilder.pool().connectingTo(pg.connectOptions()).using(vertx).build();
    int failed = 0;
    try (Connection nc =
        NatsConnections.connect(
            nats.url(), "parley-dead-letter-replay", "nothing is replayed meanwhile")) {
      DeadLetterReplay replay = new DeadLetterReplay(pool, nc.jetStream());
      List<Future<DeadLetterReplay.Key>> targets = new ArrayList<>();
      if (request.allPending()) {
        List<DeadLetterReplay.Key> pending = await(replay.pending());
        out.println(pending.size() + " dead letters wait for replay");
        pending.forEach(k -> targets.add(Future.succeededFuture(k)));
      } else {
        for (ReplayRequest.Named n : request.named()) {
          targets.add(replay.find(n.stream(), n.seq()));
        }
      }
      for (int i = 0; i < targets.size(); i++) {
        String which = request.allPending() ? null : request.named().get(i).toString();
        try {
          DeadLetterReplay.Key key = await(targets.get(i));
          which = key.toString();
          DeadLetterReplay.Replayed as = await(replay.replay(key));
          out.println(
              "dead letter "
                  + key.seq()
                  + describe(key.stream())
                  + " replayed as stream entry "
                  + as.seq()
                  + describe(as.stream()));
        } catch (Exception e) {
          failed++;
          Throwable cause = e.getCause() == null ? e : e.getCause();
          err.println("dead letter " + which + " not replayed: " + cause.getMessage());
        }
      }
    } catch (IOException e) {
      err.println("cannot connect to NATS at " + nats.url() + ": " + e.getMessage());
      return 1;
    } finally {
      pool.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    return failed == 0 ? 0 : 1;
  }

  private static String describe(String stream) {
    return stream == null || stream.isEmpty() ? "" : " (stream " + stream + ")";
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
