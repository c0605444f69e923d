package dev.parley.worker.deadletters;

import dev.parley.contract.config.ConfigException;
import dev.parley.contract.config.ConfigFile;
import dev.parley.contract.config.Env;
import dev.parley.contract.config.NatsSettings;
import dev.parley.contract.config.PostgresSettings;
import dev.parley.contract.nats.NatsConnections;
import io.nats.client.Connection;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code java -cp persistence-worker-all.jar dev.parley.worker.deadletters.ReplayMain <stream_seq>...}:
 * replays dead letters by their stream sequence, with the same PARLEY_* settings as the worker.
 * One line per dead letter; exit 0 when every one was replayed, 1 otherwise, 2 on bad arguments.
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
    List<Long> seqs = new ArrayList<>();
    for (String arg : args) {
      try {
        seqs.add(Long.parseLong(arg));
      } catch (NumberFormatException e) {
        seqs.clear();
        break;
      }
    }
    if (seqs.isEmpty()) {
      err.println("usage: ReplayMain <stream_seq>...   (the stream_seq column of dead_letters)");
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
      for (long seq : seqs) {
        try {
          long as =
              replay
                  .replay(seq)
                  .toCompletionStage()
                  .toCompletableFuture()
                  .get(30, TimeUnit.SECONDS);
          out.println("dead letter " + seq + " replayed as stream entry " + as);
        } catch (Exception e) {
          failed++;
          Throwable cause = e.getCause() == null ? e : e.getCause();
          err.println("dead letter " + seq + " not replayed: " + cause.getMessage());
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
}
