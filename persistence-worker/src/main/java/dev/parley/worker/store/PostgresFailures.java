package dev.parley.worker.store;

import io.vertx.sqlclient.DatabaseException;

/**
 * Tells a failure worth retrying from one that will fail the same way every time. Only Postgres
 * saying the data itself is wrong is final: SQLSTATE class 22 (data exception) and class 23
 * (integrity) except 23505, which concurrent writers can hit and a retry resolves. Everything else
 * (connection refused or reset, timeouts, deadlocks, a server shutting down) is transient.
 */
public final class PostgresFailures {
  private static final String UNIQUE_VIOLATION = "23505";

  private PostgresFailures() {}

  public static boolean isPoison(Throwable failure) {
    String state = sqlState(failure);
    if (state == null || state.length() < 2) {
      return false;
    }
    return state.startsWith("22") || (state.startsWith("23") && !UNIQUE_VIOLATION.equals(state));
  }

  /** The SQLSTATE of a Postgres error anywhere in the cause chain, else null. */
  public static String sqlState(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof DatabaseException) {
        return ((DatabaseException) t).getSqlState();
      }
    }
    return null;
  }

  /** One line for a log or a table: the class, the message, the SQLSTATE when there is one. */
  public static String describe(Throwable failure) {
    String state = sqlState(failure);
    String message = failure.getMessage() == null ? "" : ": " + failure.getMessage();
    return failure.getClass().getSimpleName()
        + message
        + (state == null || message.contains(state) ? "" : " (SQLSTATE " + state + ")");
  }
}
