package io.ormdb.cdc.replica.internal;

import io.ormdb.cdc.replica.ReplicationItem;
import io.ormdb.cdc.replica.ReplicationSource;
import io.ormdb.protocol.codec.CodecExtension;
import io.ormdb.protocol.codec.KryoCodec;
import io.ormdb.protocol.codec.KryoRegistry;
import java.util.Base64;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Function;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.JSerializer;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializers;
import org.apache.pekko.stream.SourceRef;

/**
 * Pekko serializer for the replication protocol ({@link io.ormdb.cdc.replica.ReplicationMessage}):
 * the protocol's Kryo table (change sets, schemas) plus the replication records (ids 1200-1219,
 * never renumbered). Actor references travel in their serialized form; a stream ref travels as the
 * bytes Pekko's own serializer gives it.
 */
public final class ReplicationSerializer extends JSerializer {
  private final ExtendedActorSystem system;
  private volatile KryoCodec codec;

  public ReplicationSerializer(ExtendedActorSystem system) {
    this.system = system;
  }

  /** id → class. */
  public static SortedMap<Integer, Class<?>> registrations() {
    SortedMap<Integer, Class<?>> t = new TreeMap<>();
    t.put(1200, ReplicationSource.Follow.class);
    t.put(1201, ReplicationSource.Following.class);
    t.put(1202, ReplicationSource.Refused.class);
    t.put(1203, ReplicationItem.SchemaChange.class);
    t.put(1204, ReplicationItem.Changes.class);
    t.put(1205, ReplicationItem.Heartbeat.class);
    t.put(1206, ReplicationSource.GetFollowers.class);
    t.put(1207, ReplicationSource.Followers.class);
    t.put(1208, ReplicationItem.HistoryEpoch.class);
    return t;
  }

  private KryoCodec codec() {
    KryoCodec c = codec;
    if (c == null) {
      synchronized (this) {
        c = codec;
        if (c == null) {
          // the typed system exists only after startup: resolve lazily
          ActorRefResolver resolver = ActorRefResolver.get(Adapter.toTyped(system));
          Serialization serialization = SerializationExtension.get(system);
          CodecExtension.Builder b = CodecExtension.builder();
          registrations().forEach(b::register);
          external(b, ActorRef.class, resolver::toSerializationFormat, resolver::resolveActorRef);
          external(
              b, SourceRef.class, r -> encode(serialization, r), t -> decode(serialization, t));
          c = new KryoCodec(KryoRegistry.DEFAULT_MAX_NESTING, b.build());
          codec = c;
        }
      }
    }
    return c;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static <T> void external(
      CodecExtension.Builder b,
      Class<?> type,
      Function<T, String> toText,
      Function<String, T> fromText) {
    b.external((Class) type, (Function) toText, (Function) fromText);
  }

  /** "serializerId:manifest:base64" of an object Pekko can serialize. */
  private static String encode(Serialization serialization, Object o) {
    org.apache.pekko.serialization.Serializer s = serialization.findSerializerFor(o);
    String manifest = Serializers.manifestFor(s, o);
    byte[] bytes = s.toBinary(o);
    return s.identifier() + ":" + manifest + ":" + Base64.getEncoder().encodeToString(bytes);
  }

  private static Object decode(Serialization serialization, String text) {
    int a = text.indexOf(':');
    int b = text.indexOf(':', a + 1);
    if (a < 0 || b < 0) {
      throw new IllegalArgumentException("not a serialized stream ref: " + text);
    }
    int id = Integer.parseInt(text.substring(0, a));
    String manifest = text.substring(a + 1, b);
    byte[] bytes = Base64.getDecoder().decode(text.substring(b + 1));
    return serialization.deserialize(bytes, id, manifest).get();
  }

  @Override
  public int identifier() {
    return 7302;
  }

  @Override
  public boolean includeManifest() {
    return false;
  }

  @Override
  public byte[] toBinary(Object o) {
    return codec().toBytes(o);
  }

  @Override
  public Object fromBinaryJava(byte[] bytes, Class<?> manifest) {
    return codec().fromBytes(bytes, Object.class);
  }
}
