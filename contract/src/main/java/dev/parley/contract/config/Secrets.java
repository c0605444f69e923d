package dev.parley.contract.config;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Takes credentials out of text before it is logged or put in an error: the userinfo of every URL
 * in it ({@code nats://user:pass@host} → {@code nats://user:***@host}; a lone token or Redis password,
 * {@code nats://s3cr3t@host} or {@code redis://s3cr3t@host}, → {@code ***@host}) and the values of query
 * parameters that carry secrets ({@code ?token=}, {@code password=}, ...). Every process logs its
 * dependencies' addresses through this, so a URL carrying credentials never reaches a log.
 */
public final class Secrets {
  private static final String HIDDEN = "***";

  /** scheme://userinfo@ — userinfo ends at the last '@' before the host (no '/', whitespace or comma in it). */
  private static final Pattern USERINFO =
      Pattern.compile("([A-Za-z][A-Za-z0-9+.\\-]*://)([^/@\\s,]+)@");

  private static final Pattern SECRET_PARAMS =
      Pattern.compile(
          "([?&;](?:password|pass|pwd|token|access_token|auth|secret|ticket|key)=)[^&;\\s,]*",
          Pattern.CASE_INSENSITIVE);

  private Secrets() {}

  /** {@code text} with credentials in URLs replaced by {@code ***}; null stays null. */
  public static String redact(String text) {
    if (text == null) {
      return null;
    }
    Matcher m = USERINFO.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String userinfo = m.group(2);
      int colon = userinfo.indexOf(':');
      // user:password keeps the user (it helps to know who connects); a lone value may be a token
      String kept = colon > 0 ? userinfo.substring(0, colon) + ":" + HIDDEN : HIDDEN;
      m.appendReplacement(out, Matcher.quoteReplacement(m.group(1) + kept + "@"));
    }
    m.appendTail(out);
    return SECRET_PARAMS.matcher(out).replaceAll("$1" + HIDDEN);
  }
}
