package dev.parley.gateway;

import dev.parley.contract.config.ConfigException;
import dev.parley.contract.config.Env;
import dev.parley.gateway.config.GatewayConfig;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs one gateway node: reads the environment, starts, and stops cleanly on SIGTERM. */
public final class GatewayMain {
  private static final Logger log = LoggerFactory.getLogger(GatewayMain.class);

  private GatewayMain() {}

  public static void main(String[] args) throws Exception {
    GatewayConfig config;
    try {
      config = GatewayConfig.fromEnv(Env.system());
    } catch (ConfigException e) {
      System.err.println("gateway: configuration error: " + e.getMessage());
      System.exit(2);
      return;
    }
    Vertx vertx = Vertx.vertx();
    GatewayNode node;
    try {
      node = GatewayNode.start(vertx, config).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      log.error("gateway {} failed to start: {}", config.nodeId(), cause.getMessage(), cause);
      vertx.close();
      System.exit(1);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      log.info("gateway {} shutting down", config.nodeId());
      try {
        node.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        log.warn("shutdown did not finish cleanly: {}", e.toString());
      }
      // Vert.x completes its own close on a thread it is shutting down, so the completion can be
      // lost: wait briefly on a latch instead of on the future.
      java.util.concurrent.CountDownLatch closed = new java.util.concurrent.CountDownLatch(1);
      vertx.close().onComplete(ar -> closed.countDown());
      try {
        closed.await(3, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      log.info("gateway {} stopped", config.nodeId());
    }, "shutdown"));
  }
}
