package dev.parley.migrations;

/** Creating or migrating the database failed; the message says where and what to do next. */
public class MigrationException extends RuntimeException {

  public MigrationException(String message, Throwable cause) {
    super(message, cause);
  }

  public MigrationException(String message) {
    super(message);
  }
}
