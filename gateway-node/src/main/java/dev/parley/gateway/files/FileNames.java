package dev.parley.gateway.files;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Pattern;

/** What a client says about a file, made safe to store and to send back in headers. */
final class FileNames {
  static final String FALLBACK_NAME = "file";
  static final String DEFAULT_CONTENT_TYPE = "application/octet-stream";
  static final int MAX_NAME_CHARS = 255;

  /** type/subtype with optional simple parameters (charset=utf-8): nothing a header could be bent with. */
  private static final Pattern CONTENT_TYPE =
      Pattern.compile(
          "[a-z0-9][a-z0-9!#$&^_.+-]{0,126}/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}(\\s*;\\s*[a-z0-9_.-]+=(\"?)[a-z0-9_.+-]+\\2)*");

  private FileNames() {}

  /**
   * The name to store: the last path component only (a client may send {@code C:\Users\x\a.txt} or
   * {@code ../../etc/passwd}), without control characters, at most 255 characters; never empty,
   * {@code .} or {@code ..}.
   */
  static String sanitize(String raw) {
    if (raw == null) {
      return FALLBACK_NAME;
    }
    String name = raw;
    int cut = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\'));
    if (cut >= 0) {
      name = name.substring(cut + 1);
    }
    StringBuilder clean = new StringBuilder(name.length());
    name.codePoints()
        .filter(
            cp ->
                !Character.isISOControl(cp)
                    && Character.getType(cp) != Character.FORMAT
                    && Character.getType(cp) != Character.UNASSIGNED
                    && Character.getType(cp) != Character.SURROGATE)
        .forEach(clean::appendCodePoint);
    name = clean.toString().strip();
    if (name.codePointCount(0, name.length()) > MAX_NAME_CHARS) {
      name = name.substring(0, name.offsetByCodePoints(0, MAX_NAME_CHARS));
    }
    if (name.isEmpty() || name.equals(".") || name.equals("..")) {
      return FALLBACK_NAME;
    }
    return name;
  }

  /** The part's content type when it is a well-formed media type, else {@code application/octet-stream}. */
  static String contentType(String raw) {
    if (raw == null) {
      return DEFAULT_CONTENT_TYPE;
    }
    String type = raw.strip().toLowerCase(Locale.ROOT);
    return type.length() <= 255 && CONTENT_TYPE.matcher(type).matches()
        ? type
        : DEFAULT_CONTENT_TYPE;
  }

  /**
   * {@code attachment; filename="ascii fallback"; filename*=UTF-8''percent-encoded} (RFC 6266 with
   * RFC 5987's encoding): every browser gets the real name, and nothing in the name can end the
   * header or add a parameter.
   */
  static String contentDisposition(String name) {
    StringBuilder ascii = new StringBuilder(name.length());
    name.codePoints()
        .forEach(
            cp ->
                ascii.append(
                    cp >= 0x20 && cp < 0x7f && cp != '"' && cp != '\\' && cp != '%'
                        ? (char) cp
                        : '_'));
    return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + encodeRfc5987(name);
  }

  /** RFC 5987 {@code value-chars}: attr-chars as they are, every other UTF-8 byte as %XX. */
  static String encodeRfc5987(String value) {
    StringBuilder out = new StringBuilder();
    for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || "!#$&+-.^_`|~".indexOf(c) >= 0) {
        out.append((char) c);
      } else {
        out.append('%')
            .append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return out.toString();
  }
}
