package dev.parley.contract.wire;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.regex.Pattern;

/** Identifier rules and generation. */
public final class Ids {
  /** docs/api.md#authentication: a user id is 1-128 chars of {@code [A-Za-z0-9._:@-]}. */
  public static final Pattern USER_ID = Pattern.compile("[A-Za-z0-9._:@-]{1,128}");

  /** Client message ids: printable, bounded, so they can go into a header and an index. */
  public static final Pattern CLIENT_MSG_ID = Pattern.compile("[\\x21-\\x7E]{1,128}");

  /** Ids Parley generates: 22 chars of base64url (128 random bits); safe as a NATS subject token. */
  public static final Pattern GENERATED_ID = Pattern.compile("[A-Za-z0-9_-]{22}");

  private Ids() {}

  /** A new id: 128 random bits ({@link RandomIds}) in 22 chars of base64url. */
  public static String newId() {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(RandomIds.next());
  }

  public static boolean isUserId(String s) {
    return s != null && USER_ID.matcher(s).matches();
  }

  public static boolean isGeneratedId(String s) {
    return s != null && GENERATED_ID.matcher(s).matches();
  }

  /**
   * The stream de-duplication id of a send: the same (conversation, sender, client_msg_id) always
   * gives the same id, and no two different triples collide (length-prefixed, then hashed to bound
   * the header's size).
   */
  public static String dedupId(String conversationId, String senderId, String clientMsgId) {
    String key =
        conversationId.length()
            + ":"
            + conversationId
            + "|"
            + senderId.length()
            + ":"
            + senderId
            + "|"
            + clientMsgId;
    byte[] digest = SHA_256.get().digest(key.getBytes(StandardCharsets.UTF_8));
    return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
  }

  /**
   * One digest per thread: looking the algorithm up in the security providers costs more than
   * hashing a key, and {@link MessageDigest#digest} leaves the instance reset for the next one.
   */
  private static final ThreadLocal<MessageDigest> SHA_256 =
      ThreadLocal.withInitial(
          () -> {
            try {
              return MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
              throw new IllegalStateException("SHA-256 is part of every JRE", e);
            }
          });
}
