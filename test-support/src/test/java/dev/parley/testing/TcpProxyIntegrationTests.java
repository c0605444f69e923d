package dev.parley.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.contract.config.PostgresSettings;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The proxy in front of the real PostgreSQL: what a node sees when its database goes away and back. */
@ExtendWith(ParleyExtension.class)
class TcpProxyIntegrationTests {

  private final TestEnvironment env;
  private Vertx vertx;
  private TcpProxy proxy;

  TcpProxyIntegrationTests(TestEnvironment env) {
    this.env = env;
  }

  @BeforeEach
  void proxyInFrontOfPostgres() throws Exception {
    vertx = Vertx.vertx();
    PostgresSettings pg = env.postgres();
    proxy = TcpProxy.start(vertx, pg.host(), pg.port()).await(5, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    proxy.close().await(5, TimeUnit.SECONDS);
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void queriesPassThrough() throws Exception {
    PgConnection connection = connect();

    assertThat(selectOne(connection)).isEqualTo(1);
  }

  @Test
  void cutClosesOpenConnections() throws Exception {
    PgConnection connection = connect();
    assertThat(selectOne(connection)).isEqualTo(1);

    proxy.cut().await(5, TimeUnit.SECONDS);

    // Fails (connection closed), rather than hanging until the timeout.
    assertThatThrownBy(() -> selectOne(connection)).isNotInstanceOf(TimeoutException.class);
  }

  @Test
  void cutRefusesNewConnectionsUntilRestored() throws Exception {
    proxy.cut().await(5, TimeUnit.SECONDS);
    assertThat(proxy.isCut()).isTrue();

    assertThatThrownBy(this::connect).isNotInstanceOf(TimeoutException.class);

    proxy.restore();
    assertThat(selectOne(connect())).isEqualTo(1);
  }

  @Test
  void portStaysTheSameAcrossCutAndRestore() throws Exception {
    int before = proxy.port();
    proxy.cut().await(5, TimeUnit.SECONDS);
    proxy.restore();

    assertThat(proxy.port()).isEqualTo(before);
  }

  /** A new connection through the proxy each time: pools may hand out one that is closing. */
  private PgConnection connect() throws TimeoutException {
    PostgresSettings pg = env.postgres();
    return PgConnection.connect(
            vertx,
            new PgConnectOptions()
                .setHost(proxy.host())
                .setPort(proxy.port())
                .setDatabase(pg.database())
                .setUser(pg.user())
                .setPassword(pg.password()))
        .await(5, TimeUnit.SECONDS);
  }

  private static int selectOne(PgConnection connection) throws TimeoutException {
    return connection
        .query("SELECT 1")
        .execute()
        .await(5, TimeUnit.SECONDS)
        .iterator()
        .next()
        .getInteger(0);
  }
}
