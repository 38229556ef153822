package io.ormdb.store.internal.codec;

import io.ormdb.protocol.change.ChangeEvent;
import io.ormdb.protocol.change.ChangeSet;
import io.ormdb.protocol.value.Value;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The changelog's stored form of a {@link ChangeSet} (the LSN is the map key): txId, schema
 * version, commit time, then per event the entity, id, op letter, before and after images as {@code
 * (name, value)} lists, and the changed field names.
 */
public final class ChangeSetCodec {
  private ChangeSetCodec() {}

  public static byte[] encode(ChangeSet cs) {
    // about what an event of a few fields takes, so that the buffer rarely grows
    Buf out = new Buf(Math.max(128, 64 * cs.events().size()));
    out.putVarLong(cs.txId()).putVarLong(cs.schemaVersion()).putVarLong(cs.commitTsMicros());
    out.putVarInt(cs.events().size());
    for (ChangeEvent e : cs.events()) {
      out.putString(e.entity());
      ValueCodec.write(e.id(), out);
      out.put(e.op().code().charAt(0));
      image(out, e.before());
      image(out, e.after());
      out.putVarInt(e.changedFields().size());
      for (String f : e.changedFields()) {
        out.putString(f);
      }
    }
    return out.toBytes();
  }

  /** The commit timestamp of an encoded change set, without decoding the events. */
  public static long commitTs(byte[] bytes) {
    Buf.In in = new Buf.In(bytes);
    in.getVarLong();
    in.getVarLong();
    return in.getVarLong();
  }

  public static ChangeSet decode(long lsn, byte[] bytes) {
    Buf.In in = new Buf.In(bytes);
    long txId = in.getVarLong();
    long schemaVersion = in.getVarLong();
    long ts = in.getVarLong();
    int n = in.getVarInt();
    List<ChangeEvent> events = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      String entity = in.getString();
      Value id = ValueCodec.read(in);
      ChangeEvent.Op op = ChangeEvent.Op.fromCode(String.valueOf((char) in.get()));
      Map<String, Value> before = image(in);
      Map<String, Value> after = image(in);
      int nc = in.getVarInt();
      List<String> changed = new ArrayList<>(nc);
      for (int j = 0; j < nc; j++) {
        changed.add(in.getString());
      }
      events.add(
          new ChangeEvent(lsn, txId, i, entity, id, op, before, after, changed, schemaVersion, ts));
    }
    return new ChangeSet(lsn, txId, schemaVersion, ts, events);
  }

  private static void image(Buf out, Map<String, Value> image) {
    out.putVarInt(image.size());
    for (Map.Entry<String, Value> f : image.entrySet()) {
      out.putString(f.getKey());
      ValueCodec.write(f.getValue(), out);
    }
  }

  private static Map<String, Value> image(Buf.In in) {
    int n = in.getVarInt();
    Map<String, Value> m = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      m.put(in.getString(), ValueCodec.read(in));
    }
    return m;
  }
}
