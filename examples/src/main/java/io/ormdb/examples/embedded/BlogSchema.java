package io.ormdb.examples.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The starter blog schema, examples/schemas/blog.ormdb, read from the classpath. */
final class BlogSchema {
  private BlogSchema() {}

  static String text() {
    try (InputStream in = BlogSchema.class.getResourceAsStream("/io/ormdb/examples/blog.ormdb")) {
      if (in == null) {
        throw new IllegalStateException("blog.ormdb is not on the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
