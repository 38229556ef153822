package io.ormdb.protocol.codec;

import com.esotericsoftware.kryo.io.KryoBufferUnderflowException;
import io.ormdb.protocol.OrmDbException;

/** Turns exceptions met while decoding into short, readable problem descriptions. */
final class Problems {
  private Problems() {}

  static String describe(Throwable t) {
    if (t instanceof DecodeFailure f) {
      return f.problem();
    }
    if (t instanceof KryoBufferUnderflowException) {
      return "the bytes end before the value does";
    }
    if (t instanceof OrmDbException) {
      return t.getMessage();
    }
    String message = t.getMessage();
    if (t instanceof NullPointerException) {
      return message == null ? "a required value is missing" : message + " is missing";
    }
    if (message != null
        && (t instanceof IllegalArgumentException || t instanceof IllegalStateException)) {
      return Names.shorten(message);
    }
    String kind = t.getClass().getSimpleName();
    return message == null ? kind : kind + ": " + Names.shorten(message);
  }
}
