package io.ormdb.protocol.codec;

import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import java.nio.charset.StandardCharsets;

/**
 * Strings on the wire: a varint of the encoded byte length plus one (0 = null), then each UTF-16
 * code unit as one to three bytes, UTF-8 style (a supplementary character becomes its two
 * surrogates, as in CESU-8). Unlike strict UTF-8 this keeps every Java string exactly, lone
 * surrogates included; for text without supplementary characters it is plain UTF-8.
 *
 * <p>The reader checks the declared length against the bytes left before it allocates anything and
 * refuses overlong or truncated sequences, so hostile input costs at most its own size.
 */
final class WireStrings {
  private WireStrings() {}

  static void write(Output out, String s) {
    if (s == null) {
      out.writeVarInt(0, true);
      return;
    }
    int n = s.length();
    int bytes = n;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c >= 0x80) {
        bytes += c < 0x800 ? 1 : 2;
      }
    }
    out.writeVarInt(bytes + 1, true);
    if (bytes == n) {
      for (int i = 0; i < n; i++) {
        out.writeByte((byte) s.charAt(i));
      }
      return;
    }
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        out.writeByte((byte) c);
      } else if (c < 0x800) {
        out.writeByte((byte) (0xC0 | c >> 6));
        out.writeByte((byte) (0x80 | c & 0x3F));
      } else {
        out.writeByte((byte) (0xE0 | c >> 12));
        out.writeByte((byte) (0x80 | c >> 6 & 0x3F));
        out.writeByte((byte) (0x80 | c & 0x3F));
      }
    }
  }

  static String read(Input in) {
    int lengthPlusOne = in.readVarInt(true);
    if (lengthPlusOne == 0) {
      return null;
    }
    int length = Guards.length(in, lengthPlusOne - 1L, "string");
    byte[] buf = in.getBuffer();
    int start = in.position();
    in.setPosition(start + length);
    int end = start + length;
    boolean ascii = true;
    for (int i = start; i < end; i++) {
      if (buf[i] < 0) {
        ascii = false;
        break;
      }
    }
    if (ascii) {
      return new String(buf, start, length, StandardCharsets.ISO_8859_1);
    }
    char[] chars = new char[length];
    int n = 0;
    int i = start;
    while (i < end) {
      int b = buf[i++] & 0xFF;
      if (b < 0x80) {
        chars[n++] = (char) b;
      } else if (b >= 0xC2 && b < 0xE0) {
        int b1 = continuation(buf, i++, end);
        chars[n++] = (char) ((b & 0x1F) << 6 | b1);
      } else if (b >= 0xE0 && b < 0xF0) {
        int b1 = continuation(buf, i++, end);
        int b2 = continuation(buf, i++, end);
        int c = (b & 0x0F) << 12 | b1 << 6 | b2;
        if (c < 0x800) {
          throw new DecodeFailure("string has an overlong character encoding");
        }
        chars[n++] = (char) c;
      } else {
        throw new DecodeFailure(
            String.format("string has an invalid lead byte 0x%02X at offset %d", b, i - 1 - start));
      }
    }
    return new String(chars, 0, n);
  }

  private static int continuation(byte[] buf, int i, int end) {
    if (i >= end) {
      throw new DecodeFailure("string ends inside a multi-byte character");
    }
    int b = buf[i] & 0xFF;
    if ((b & 0xC0) != 0x80) {
      throw new DecodeFailure(String.format("string has a bad continuation byte 0x%02X", b));
    }
    return b & 0x3F;
  }
}
