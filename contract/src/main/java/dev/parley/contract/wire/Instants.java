package dev.parley.contract.wire;

import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;

/**
 * Reads back the times Parley writes ({@link Instant#toString()}: {@code 2026-12-05T06:37:40.970123Z})
 * without {@link java.time.format.DateTimeFormatter}, whose general parser costs microseconds and
 * a dozen objects: every stored message passes through here once per gateway that delivers it.
 * Anything else (an offset, a leap second, a year past 9999) goes to {@link Instant#parse}.
 */
final class Instants {
  private Instants() {}

  static Instant parse(String s) {
    int n = s.length();
    if (n < 20
        || s.charAt(4) != '-'
        || s.charAt(7) != '-'
        || s.charAt(10) != 'T'
        || s.charAt(13) != ':'
        || s.charAt(16) != ':'
        || s.charAt(n - 1) != 'Z') {
      return Instant.parse(s);
    }
    int year = digits(s, 0, 4);
    int month = digits(s, 5, 7);
    int day = digits(s, 8, 10);
    int hour = digits(s, 11, 13);
    int minute = digits(s, 14, 16);
    int second = digits(s, 17, 19);
    int nano = 0;
    if (n > 20) {
      int fraction = n - 21;
      if (s.charAt(19) != '.' || fraction < 1 || fraction > 9) {
        return Instant.parse(s);
      }
      nano = digits(s, 20, n - 1);
      for (int i = fraction; i < 9; i++) {
        nano *= 10;
      }
    }
    if (year < 0
        || month < 1
        || month > 12
        || day < 1
        || day > 31
        || hour > 23
        || minute > 59
        || second > 59
        || nano < 0) {
      return Instant.parse(s);
    }
    if (day > YearMonth.of(year, month).lengthOfMonth()) {
      return Instant.parse(s);
    }
    long days = LocalDate.of(year, month, day).toEpochDay();
    return Instant.ofEpochSecond(days * 86_400 + hour * 3600L + minute * 60L + second, nano);
  }

  /** The digits s[from, to) as a number; -1 when one is not a digit. */
  private static int digits(String s, int from, int to) {
    int v = 0;
    for (int i = from; i < to; i++) {
      int d = s.charAt(i) - '0';
      if (d < 0 || d > 9) {
        return -1;
      }
      v = v * 10 + d;
    }
    return v;
  }
}
