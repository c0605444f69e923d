package dev.parley.contract.config;

/** A setting is missing or malformed. The message names the variable and says what it expects. */
public final class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message);
  }
}
