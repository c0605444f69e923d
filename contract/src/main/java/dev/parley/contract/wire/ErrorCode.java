package dev.parley.contract.wire;

import java.util.Locale;

/** The {@code error.code} values of docs/api.md#errors with the HTTP status each maps to. */
public enum ErrorCode {
  INVALID_ARGUMENT(400),
  UNAUTHENTICATED(401),
  FORBIDDEN(403),
  NOT_FOUND(404),
  CONFLICT(409),
  TOO_LARGE(413),
  RATE_LIMITED(429),
  UNAVAILABLE(503),
  INTERNAL(500);

  private final int httpStatus;

  ErrorCode(int httpStatus) {
    this.httpStatus = httpStatus;
  }

  public int httpStatus() {
    return httpStatus;
  }

  /** The code as it appears on the wire, e.g. {@code invalid_argument}. */
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }
}
