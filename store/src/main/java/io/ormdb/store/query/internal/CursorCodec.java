package io.ormdb.store.query.internal;

import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.value.ValueType;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.zip.CRC32;

/**
 * Keyset cursors as opaque base64url strings. Layout (big-endian): format version (1 byte, = 1),
 * shape fingerprint (8 bytes), whether a parent id follows (1 byte) and then the parent id, the
 * number of sort-key values (2 bytes), the values (the last one is the row's identity), and a
 * CRC-32 of everything before it (4 bytes). Each value is a type tag then its payload.
 *
 * <p>The CRC catches corruption and truncation, not forgery; a forged cursor can only name another
 * position in the same ordered result, which reveals nothing the query could not read anyway.
 */
public final class CursorCodec {
  private static final int FORMAT = 1;

  private CursorCodec() {}

  /** A decoded cursor. {@code parentId} is null for a root cursor. */
  public record Position(long fingerprint, Value parentId, List<Value> values) {}

  /**
   * A stable 64-bit fingerprint of a shape string: FNV-1a over its UTF-16 code units, then a
   * finalizing mix. It runs for every query (a cryptographic digest here cost more than the whole
   * point read); telling cursors of different queries apart needs no more than this, since a forged
   * cursor can only name a position in a result the query could read anyway.
   */
  public static long fingerprint(String shape) {
    long h = 0xcbf29ce484222325L;
    for (int i = 0; i < shape.length(); i++) {
      h ^= shape.charAt(i);
      h *= 0x100000001b3L;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    return h ^ (h >>> 33);
  }

  public static String encode(Position p) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(FORMAT);
      out.writeLong(p.fingerprint());
      out.writeBoolean(p.parentId() != null);
      if (p.parentId() != null) {
        writeValue(out, p.parentId());
      }
      out.writeShort(p.values().size());
      for (Value v : p.values()) {
        writeValue(out, v);
      }
      CRC32 crc = new CRC32();
      crc.update(bytes.toByteArray());
      out.writeInt((int) crc.getValue());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes.toByteArray());
  }

  /**
   * Decodes a cursor.
   *
   * @throws IllegalArgumentException when the text is not a well-formed, intact cursor
   */
  public static Position decode(String text) {
    byte[] all;
    try {
      all = Base64.getUrlDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not base64url", e);
    }
    if (all.length < 1 + 8 + 1 + 2 + 4) {
      throw new IllegalArgumentException("too short");
    }
    CRC32 crc = new CRC32();
    crc.update(all, 0, all.length - 4);
    int stored =
        ((all[all.length - 4] & 0xff) << 24)
            | ((all[all.length - 3] & 0xff) << 16)
            | ((all[all.length - 2] & 0xff) << 8)
            | (all[all.length - 1] & 0xff);
    if (stored != (int) crc.getValue()) {
      throw new IllegalArgumentException("checksum mismatch");
    }
    try (DataInputStream in =
        new DataInputStream(new ByteArrayInputStream(all, 0, all.length - 4))) {
      if (in.readUnsignedByte() != FORMAT) {
        throw new IllegalArgumentException("unknown cursor format");
      }
      long fp = in.readLong();
      Value parent = in.readBoolean() ? readValue(in) : null;
      int n = in.readUnsignedShort();
      List<Value> values = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        values.add(readValue(in));
      }
      if (in.available() != 0) {
        throw new IllegalArgumentException("trailing bytes");
      }
      return new Position(fp, parent, values);
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("malformed cursor", e);
    }
  }

  private static void writeValue(DataOutputStream out, Value v) throws IOException {
    out.writeByte(v.type().ordinal());
    if (v instanceof Value.Null) {
      return;
    } else if (v instanceof Value.Bool b) {
      out.writeBoolean(b.value());
    } else if (v instanceof Value.Int32 i) {
      out.writeInt(i.value());
    } else if (v instanceof Value.Int64 l) {
      out.writeLong(l.value());
    } else if (v instanceof Value.Float32 f) {
      out.writeFloat(f.value());
    } else if (v instanceof Value.Float64 d) {
      out.writeDouble(d.value());
    } else if (v instanceof Value.Decimal d) {
      writeString(out, d.value().toString());
    } else if (v instanceof Value.Str s) {
      writeString(out, s.value());
    } else if (v instanceof Value.Bytes b) {
      byte[] raw = b.value();
      out.writeInt(raw.length);
      out.write(raw);
    } else if (v instanceof Value.Timestamp t) {
      out.writeLong(t.micros());
    } else if (v instanceof Value.Date d) {
      out.writeInt(d.epochDay());
    } else if (v instanceof Value.Uuid u) {
      out.writeLong(u.msb());
      out.writeLong(u.lsb());
    } else if (v instanceof Value.Enum e) {
      writeString(out, e.variant());
    } else if (v instanceof Value.Json j) {
      writeString(out, j.text());
    } else if (v instanceof Value.Array a) {
      out.writeByte(a.elementType().ordinal());
      out.writeInt(a.elements().size());
      for (Value e : a.elements()) {
        writeValue(out, e);
      }
    } else {
      throw new IllegalStateException("unknown value " + v);
    }
  }

  private static Value readValue(DataInputStream in) throws IOException {
    int tag = in.readUnsignedByte();
    ValueType[] types = ValueType.values();
    if (tag >= types.length) {
      throw new IllegalArgumentException("unknown value tag " + tag);
    }
    switch (types[tag]) {
      case NULL:
        return Value.NULL;
      case BOOL:
        return in.readBoolean() ? Value.TRUE : Value.FALSE;
      case INT32:
        return new Value.Int32(in.readInt());
      case INT64:
        return new Value.Int64(in.readLong());
      case FLOAT32:
        return new Value.Float32(in.readFloat());
      case FLOAT64:
        return new Value.Float64(in.readDouble());
      case DECIMAL:
        return new Value.Decimal(new BigDecimal(readString(in)));
      case STRING:
        return new Value.Str(readString(in));
      case BYTES:
        return new Value.Bytes(in.readNBytes(length(in)));
      case TIMESTAMP:
        return new Value.Timestamp(in.readLong());
      case DATE:
        return new Value.Date(in.readInt());
      case UUID:
        return new Value.Uuid(in.readLong(), in.readLong());
      case ENUM:
        return new Value.Enum(readString(in));
      case JSON:
        return new Value.Json(readString(in));
      case ARRAY:
        int elementTag = in.readUnsignedByte();
        if (elementTag >= types.length) {
          throw new IllegalArgumentException("unknown element tag " + elementTag);
        }
        int n = length(in);
        List<Value> elements = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          elements.add(readValue(in));
        }
        return new Value.Array(types[elementTag], elements);
      default:
        throw new IllegalArgumentException("unknown value tag " + tag);
    }
  }

  private static void writeString(DataOutputStream out, String s) throws IOException {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(b.length);
    out.write(b);
  }

  private static String readString(DataInputStream in) throws IOException {
    return new String(in.readNBytes(length(in)), StandardCharsets.UTF_8);
  }

  private static int length(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0 || n > in.available()) {
      throw new IllegalArgumentException("bad length " + n);
    }
    return n;
  }
}
