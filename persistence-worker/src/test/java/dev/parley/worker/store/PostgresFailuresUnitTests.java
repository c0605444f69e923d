package dev.parley.worker.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.VertxException;
import io.vertx.pgclient.PgException;
import java.io.IOException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class PostgresFailuresUnitTests {

  private static PgException pg(String state) {
    return new PgException("boom", "ERROR", state, null);
  }

  @Test
  void dataAndIntegrityErrorsArePoison() {
    assertThat(PostgresFailures.isPoison(pg("22P02"))).as("invalid text representation").isTrue();
    assertThat(PostgresFailures.isPoison(pg("22021"))).as("bad byte sequence").isTrue();
    assertThat(PostgresFailures.isPoison(pg("23503"))).as("foreign key").isTrue();
    assertThat(PostgresFailures.isPoison(pg("23514"))).as("check").isTrue();
    assertThat(PostgresFailures.isPoison(pg("23502"))).as("not null").isTrue();
  }

  @Test
  void everythingElseIsWorthRetrying() {
    assertThat(PostgresFailures.isPoison(pg("23505")))
        .as("unique: a concurrent writer, resolved by retrying")
        .isFalse();
    assertThat(PostgresFailures.isPoison(pg("40P01"))).as("deadlock").isFalse();
    assertThat(PostgresFailures.isPoison(pg("57P01"))).as("admin shutdown").isFalse();
    assertThat(PostgresFailures.isPoison(pg("08006"))).as("connection failure").isFalse();
    assertThat(PostgresFailures.isPoison(new IOException("Connection refused"))).isFalse();
    assertThat(PostgresFailures.isPoison(new TimeoutException())).isFalse();
  }

  @Test
  void findsTheSqlStateInTheCauseChain() {
    VertxException wrapped = new VertxException("outer", pg("23503"));
    assertThat(PostgresFailures.sqlState(wrapped)).isEqualTo("23503");
    assertThat(PostgresFailures.isPoison(wrapped)).isTrue();
    assertThat(PostgresFailures.describe(pg("23503"))).contains("boom").contains("23503");
  }
}
