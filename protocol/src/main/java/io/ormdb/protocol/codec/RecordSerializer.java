package io.ormdb.protocol.codec;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import io.ormdb.protocol.OrmDbException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;

/**
 * Writes a record's components in declaration order, each with the {@link FieldCodec} of its
 * declared type, and reads them back through the canonical constructor, so the model's own
 * validation runs on every decoded record. Decoding refuses records nested deeper than the codec's
 * limit (a guard against stack exhaustion by hostile input) and names the component that failed.
 *
 * <p>Adding, removing or reordering components of a record changes its encoding: stored bytes of
 * such a record then need a migration (or a new record type with a new registration id).
 */
final class RecordSerializer<T extends Record> extends Serializer<T> {
  private final String name;
  private final String[] componentNames;
  private final Method[] accessors;
  private final FieldCodec[] codecs;
  private final Constructor<T> constructor;

  RecordSerializer(Class<T> type) {
    this(type, java.util.Set.of());
  }

  /** A serializer whose components of a type in {@code externals} use the codec's extension. */
  RecordSerializer(Class<T> type, java.util.Set<Class<?>> externals) {
    super(false, true);
    this.name = Names.of(type);
    RecordComponent[] components = type.getRecordComponents();
    this.componentNames = new String[components.length];
    this.accessors = new Method[components.length];
    this.codecs = new FieldCodec[components.length];
    Class<?>[] parameterTypes = new Class<?>[components.length];
    for (int i = 0; i < components.length; i++) {
      RecordComponent c = components[i];
      componentNames[i] = c.getName();
      accessors[i] = c.getAccessor();
      codecs[i] = FieldCodec.of(c.getGenericType(), name + "." + c.getName(), externals);
      parameterTypes[i] = c.getType();
    }
    try {
      this.constructor = type.getDeclaredConstructor(parameterTypes);
    } catch (NoSuchMethodException e) {
      throw new IllegalStateException("record " + name + " has no canonical constructor", e);
    }
  }

  @Override
  public void write(Kryo kryo, Output output, T object) {
    OrmKryo k = (OrmKryo) kryo;
    if (++k.nesting > k.maxNesting) {
      k.nesting--;
      throw OrmDbException.invalid(
          "cannot encode " + name + ": records nested more than " + k.maxNesting + " levels deep");
    }
    try {
      for (int i = 0; i < accessors.length; i++) {
        codecs[i].write(k, output, accessors[i].invoke(object));
      }
    } catch (IllegalAccessException | InvocationTargetException e) {
      throw new IllegalStateException("cannot read the components of " + name, e);
    } finally {
      k.nesting--;
    }
  }

  @Override
  public T read(Kryo kryo, Input input, Class<? extends T> type) {
    OrmKryo k = (OrmKryo) kryo;
    if (++k.nesting > k.maxNesting) {
      k.nesting--;
      throw new DecodeFailure("records nested more than " + k.maxNesting + " levels deep");
    }
    try {
      Object[] args = new Object[codecs.length];
      for (int i = 0; i < codecs.length; i++) {
        try {
          args[i] = codecs[i].read(k, input);
        } catch (DecodeFailure e) {
          throw e.within(componentNames[i]);
        } catch (RuntimeException e) {
          throw new DecodeFailure(Problems.describe(e), e).within(componentNames[i]);
        }
      }
      try {
        return constructor.newInstance(args);
      } catch (InvocationTargetException e) {
        Throwable cause = e.getCause();
        throw new DecodeFailure(name + " refused its fields: " + Problems.describe(cause), cause);
      } catch (InstantiationException | IllegalAccessException | IllegalArgumentException e) {
        throw new DecodeFailure(name + " cannot be built: " + Problems.describe(e), e);
      }
    } finally {
      k.nesting--;
    }
  }
}
