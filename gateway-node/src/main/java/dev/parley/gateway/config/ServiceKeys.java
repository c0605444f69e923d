package dev.parley.gateway.config;

import dev.parley.contract.config.ConfigException;
import dev.parley.contract.config.Env;
import dev.parley.contract.wire.Ids;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Service keys from {@code PARLEY_SERVICE_KEYS}: static bearer secrets, each naming the bot user it
 * acts as, for integrations that cannot mint JWTs. Written {@code botid=secret,...}; a secret may
 * be given as {@code sha256:<64 hex>} so the plain secret need not sit in the environment. Only
 * SHA-256 digests are kept in memory, and a presented key is compared with every one of them in
 * constant time, so neither timing nor a heap dump gives a secret away.
 */
public final class ServiceKeys {
  /** Long enough that guessing is hopeless: e.g. {@code openssl rand -hex 32}. */
  public static final int MIN_SECRET_LENGTH = 32;

  private static final String HASHED = "sha256:";

  private record Key(String botId, byte[] digest) {}

  private final List<Key> keys;

  private ServiceKeys(List<Key> keys) {
    this.keys = List.copyOf(keys);
  }

  public static ServiceKeys none() {
    return new ServiceKeys(List.of());
  }

  public static ServiceKeys fromEnv(Env env) {
    return env.optional("PARLEY_SERVICE_KEYS").map(ServiceKeys::parse).orElse(none());
  }

  /** Parses {@code botid=secret,botid=sha256:<hex>,...}; a bot may have several keys (rotation). */
  public static ServiceKeys parse(String raw) {
    List<Key> keys = new ArrayList<>();
    Set<String> digests = new HashSet<>();
    for (String part : raw.split(",")) {
      String entry = part.trim();
      if (entry.isEmpty()) {
        continue;
      }
      int eq = entry.indexOf('=');
      String botId = eq < 0 ? entry : entry.substring(0, eq).trim();
      if (eq < 0 || !Ids.isUserId(botId)) {
        throw new ConfigException(
            "PARLEY_SERVICE_KEYS: each entry is botid=secret with a bot id of 1-128 characters of"
                + " [A-Za-z0-9._:@-]; '"
                + botId
                + "' is not");
      }
      byte[] digest = digestOf(botId, entry.substring(eq + 1).trim());
      if (!digests.add(HexFormat.of().formatHex(digest))) {
        throw new ConfigException(
            "PARLEY_SERVICE_KEYS: two entries share a secret ("
                + botId
                + "); each key must name one bot");
      }
      keys.add(new Key(botId, digest));
    }
    return new ServiceKeys(keys);
  }

  private static byte[] digestOf(String botId, String secret) {
    if (secret.regionMatches(true, 0, HASHED, 0, HASHED.length())) {
      String hex = secret.substring(HASHED.length());
      if (!hex.matches("[0-9a-fA-F]{64}")) {
        throw new ConfigException(
            "PARLEY_SERVICE_KEYS: the key of "
                + botId
                + " is sha256: followed by something other than 64 hex digits");
      }
      return HexFormat.of().parseHex(hex);
    }
    if (secret.length() < MIN_SECRET_LENGTH) {
      throw new ConfigException(
          "PARLEY_SERVICE_KEYS: the key of "
              + botId
              + " is shorter than "
              + MIN_SECRET_LENGTH
              + " characters; use e.g. `openssl rand -hex 32`");
    }
    return sha256(secret);
  }

  /** The bot a presented key names, if it is one of ours. Every key is compared, match or not. */
  public Optional<String> botFor(String presented) {
    if (presented == null || keys.isEmpty()) {
      return Optional.empty();
    }
    byte[] digest = sha256(presented);
    String match = null;
    for (Key k : keys) {
      if (MessageDigest.isEqual(k.digest(), digest) && match == null) {
        match = k.botId();
      }
    }
    return Optional.ofNullable(match);
  }

  public boolean isEmpty() {
    return keys.isEmpty();
  }

  static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JRE", e);
    }
  }

  /** Bot ids only: never a secret or a digest. */
  @Override
  public String toString() {
    return "ServiceKeys" + keys.stream().map(Key::botId).distinct().toList();
  }
}
