package io.ormdb.store.internal.codec;

import io.ormdb.protocol.change.ChangeEvent;
import io.ormdb.protocol.change.ChangeSet;
import io.ormdb.protocol.value.Value;
import java.util.ArrayList;
import java.util.Collection;
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
    Writer w = new Writer(cs.txId(), cs.schemaVersion(), cs.commitTsMicros(), cs.events().size());
    for (ChangeEvent e : cs.events()) {
      w.event(e.entity(), e.id(), e.op(), e.before(), e.after(), e.changedFields());
    }
    return w.toBytes();
  }

  /**
   * Encodes a change set event by event, for a writer that has the events' parts but no {@link
   * ChangeEvent}s (the write path); the same bytes as {@link #encode} of the same change set.
   */
  public static final class Writer {
    private final Buf out;

    /**
     * The encoded form of names seen before, by identity ({@link #putName}): a change set repeats
     * its entities' and fields' names in every event, as the same String instances.
     */
    private final String[] names = new String[64];

    private final byte[][] encoded = new byte[64][];

    /**
     * A change set of {@code events} events; exactly that many {@link #event} calls follow. A null
     * {@code changedFields} there stands for every field of {@code after} (an insert's).
     */
    public Writer(long txId, long schemaVersion, long commitTsMicros, int events) {
      // about what an event of a few fields takes, so that the buffer rarely grows
      out = new Buf(Math.max(128, 96 * events));
      out.putVarLong(txId).putVarLong(schemaVersion).putVarLong(commitTsMicros);
      out.putVarInt(events);
    }

    public void event(
        String entity,
        Value id,
        ChangeEvent.Op op,
        Map<String, Value> before,
        Map<String, Value> after,
        Collection<String> changedFields) {
      putName(entity);
      ValueCodec.write(id, out);
      out.put(op.code().charAt(0));
      image(before);
      image(after);
      if (changedFields == null) {
        names(after);
        return;
      }
      out.putVarInt(changedFields.size());
      for (String f : changedFields) {
        putName(f);
      }
    }

    private void image(Map<String, Value> image) {
      out.putVarInt(image.size());
      if (image instanceof FieldMap m) {
        for (int i = 0; i < m.size(); i++) {
          putName(m.nameAt(i));
          ValueCodec.write(m.valueAt(i), out);
        }
        return;
      }
      for (Map.Entry<String, Value> f : image.entrySet()) {
        putName(f.getKey());
        ValueCodec.write(f.getValue(), out);
      }
    }

    /** The field names of {@code image}, as a changed-fields list. */
    private void names(Map<String, Value> image) {
      out.putVarInt(image.size());
      if (image instanceof FieldMap m) {
        for (int i = 0; i < m.size(); i++) {
          putName(m.nameAt(i));
        }
        return;
      }
      for (String f : image.keySet()) {
        putName(f);
      }
    }

    /** {@code out.putString(name)}, copied from an earlier encoding of the same instance. */
    private void putName(String name) {
      int mask = names.length - 1;
      int i = System.identityHashCode(name) & mask;
      for (int probes = 0; probes < 4; probes++, i = (i + 1) & mask) {
        String n = names[i];
        if (n == name) {
          out.put(encoded[i]);
          return;
        }
        if (n == null) {
          int start = out.length();
          out.putString(name);
          names[i] = name;
          encoded[i] = out.copyOfRange(start, out.length());
          return;
        }
      }
      out.putString(name); // a crowded neighbourhood: just encode it
    }

    public byte[] toBytes() {
      return out.toBytes();
    }
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

  private static Map<String, Value> image(Buf.In in) {
    int n = in.getVarInt();
    Map<String, Value> m = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      m.put(in.getString(), ValueCodec.read(in));
    }
    return m;
  }
}
