package dev.parley.gateway.failure;

import dev.parley.contract.wire.ErrorCode;

/**
 * A failure the caller is meant to see, carrying the contract's error code. Anything else that
 * reaches the edge is an unexpected failure: 500 {@code internal}, logged with its stack.
 */
public class ApiException extends RuntimeException {
  private final ErrorCode code;
  private final Long retryAfterMillis;

  public ApiException(ErrorCode code, String message) {
    this(code, message, null, null);
  }

  public ApiException(ErrorCode code, String message, Long retryAfterMillis, Throwable cause) {
    super(message, cause, false, false);
    this.code = code;
    this.retryAfterMillis = retryAfterMillis;
  }

  public ErrorCode code() {
    return code;
  }

  public Long retryAfterMillis() {
    return retryAfterMillis;
  }

  public static ApiException invalid(String message) {
    return new ApiException(ErrorCode.INVALID_ARGUMENT, message);
  }

  public static ApiException notFound(String message) {
    return new ApiException(ErrorCode.NOT_FOUND, message);
  }

  public static ApiException forbidden(String message) {
    return new ApiException(ErrorCode.FORBIDDEN, message);
  }

  public static ApiException unauthenticated(String message) {
    return new ApiException(ErrorCode.UNAUTHENTICATED, message);
  }

  public static ApiException tooLarge(String message) {
    return new ApiException(ErrorCode.TOO_LARGE, message);
  }

  /** A dependency is down; the caller should retry. */
  public static ApiException unavailable(String message, Throwable cause) {
    return new ApiException(ErrorCode.UNAVAILABLE, message, null, cause);
  }
}
