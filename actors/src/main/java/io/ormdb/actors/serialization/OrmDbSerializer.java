package io.ormdb.actors.serialization;

import io.ormdb.protocol.codec.KryoCodec;
import io.ormdb.protocol.codec.KryoRegistry;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.JSerializer;

/**
 * Pekko serializer for the actor layer's messages ({@link OrmDbMessage}) and the protocol's wire
 * messages: the protocol's Kryo table plus {@link ActorMessages}, with actor references written
 * through {@link ActorRefResolver}. The bytes carry the class id, so no manifest is needed.
 */
public final class OrmDbSerializer extends JSerializer {
  private final ExtendedActorSystem system;
  private volatile KryoCodec codec;

  public OrmDbSerializer(ExtendedActorSystem system) {
    this.system = system;
  }

  private KryoCodec codec() {
    KryoCodec c = codec;
    if (c == null) {
      synchronized (this) {
        c = codec;
        if (c == null) {
          // The resolver needs the typed system, which exists only after startup: resolve lazily.
          ActorRefResolver resolver = ActorRefResolver.get(Adapter.toTyped(system));
          c =
              new KryoCodec(
                  KryoRegistry.DEFAULT_MAX_NESTING,
                  ActorMessages.extension(
                      resolver::toSerializationFormat, resolver::resolveActorRef));
          codec = c;
        }
      }
    }
    return c;
  }

  @Override
  public int identifier() {
    return 7301;
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
