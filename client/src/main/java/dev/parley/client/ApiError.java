package dev.parley.client;

/**
 * A REST call or a send the server refused: the HTTP status (0 on a WebSocket) and the contract's
 * error code ({@code invalid_argument}, {@code not_found}, {@code rate_limited}, …).
 */
public final class ApiError extends RuntimeException {
  private final int status;
  private final String code;

  public ApiError(int status, String code, String message) {
    super((status > 0 ? status + " " : "") + code + ": " + message);
    this.status = status;
    this.code = code;
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }
}
