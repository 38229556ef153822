package io.ormdb.protocol.codec;

/** Short names for error messages: {@code Value.Str}, {@code GraphQuery}. */
final class Names {
  private Names() {}

  static String of(Class<?> type) {
    Class<?> outer = type.getEnclosingClass();
    return outer == null ? type.getSimpleName() : of(outer) + "." + type.getSimpleName();
  }

  /** {@code "1 byte"}, {@code "2 bytes"}. */
  static String bytes(long n) {
    return n == 1 ? "1 byte" : n + " bytes";
  }

  /** {@code String.valueOf(o)}, cut to 40 characters so hostile input cannot bloat a message. */
  static String shorten(Object o) {
    String s = String.valueOf(o);
    return s.length() <= 40 ? s : s.substring(0, 37) + "...";
  }
}
