package io.ormdb.protocol.codec;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;

/** An enum as a registered top-level object: its ordinal, checked against the constants. */
final class EnumSerializer extends Serializer<Enum<?>> {
  private final FieldCodec codec;

  EnumSerializer(Class<?> type) {
    super(false, true);
    this.codec = new FieldCodec.EnumCodec(type);
  }

  @Override
  public void write(Kryo kryo, Output output, Enum<?> object) {
    codec.write((OrmKryo) kryo, output, object);
  }

  @Override
  public Enum<?> read(Kryo kryo, Input input, Class<? extends Enum<?>> type) {
    Object value = codec.read((OrmKryo) kryo, input);
    if (value == null) {
      throw new DecodeFailure("null where an enum constant was expected");
    }
    return (Enum<?>) value;
  }
}
