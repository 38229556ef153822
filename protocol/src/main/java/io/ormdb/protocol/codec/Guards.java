package io.ormdb.protocol.codec;

import com.esotericsoftware.kryo.io.Input;

/**
 * Checks on lengths and counts read from untrusted bytes, made before anything is allocated. Every
 * element of a string, byte array or collection takes at least one byte on the wire, so a declared
 * size larger than the bytes left is a lie and is refused.
 */
final class Guards {
  private Guards() {}

  /** Bytes left in an input that wraps a byte array. */
  static int remaining(Input in) {
    return in.limit() - in.position();
  }

  /** A byte length read from the input: must be 0..remaining. */
  static int length(Input in, long declared, String what) {
    int remaining = remaining(in);
    if (declared < 0 || declared > remaining) {
      throw new DecodeFailure(
          what + " length " + declared + " exceeds the " + remaining + " bytes left in the body");
    }
    return (int) declared;
  }

  /** An element count read from the input: must be 0..remaining. */
  static int count(Input in, long declared, String what) {
    int remaining = remaining(in);
    if (declared < 0 || declared > remaining) {
      throw new DecodeFailure(
          what
              + " of "
              + declared
              + " elements cannot fit in the "
              + remaining
              + " bytes left in the body");
    }
    return (int) declared;
  }
}
