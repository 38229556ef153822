package io.ormdb.protocol.codec;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Classes another module adds to the protocol's Kryo table (for example the actor layer's
 * messages), and foreign types their records may hold that travel as a string (for example an actor
 * reference in its serialized form). Ids start at {@value #FIRST_ID}, above every id of {@link
 * KryoRegistry}; the same rules hold: never renumber, only add. Only records and enums can be
 * registered, as in the protocol's own table.
 */
public final class CodecExtension {
  /** The lowest id an extension may use. */
  public static final int FIRST_ID = 1000;

  /** No extra registrations. */
  public static final CodecExtension NONE = builder().build();

  private final SortedMap<Integer, Class<?>> registrations;
  private final Map<Class<?>, External<?>> externals;

  private CodecExtension(
      SortedMap<Integer, Class<?>> registrations, Map<Class<?>, External<?>> externals) {
    this.registrations = Collections.unmodifiableSortedMap(new TreeMap<>(registrations));
    this.externals = Map.copyOf(externals);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** id → class, in id order. */
  public SortedMap<Integer, Class<?>> registrations() {
    return registrations;
  }

  /** The types written through their string form. */
  public Set<Class<?>> externalTypes() {
    return externals.keySet();
  }

  String encode(Class<?> type, Object value) {
    return externals.get(type).encodeUnchecked(value);
  }

  Object decode(Class<?> type, String text) {
    return externals.get(type).decode.apply(text);
  }

  private record External<T>(
      Class<T> type, Function<? super T, String> encode, Function<String, ? extends T> decode) {
    String encodeUnchecked(Object value) {
      return encode.apply(type.cast(value));
    }
  }

  /** Collects registrations; {@link #build} checks nothing clashes. */
  public static final class Builder {
    private final SortedMap<Integer, Class<?>> registrations = new TreeMap<>();
    private final Map<Class<?>, External<?>> externals = new HashMap<>();

    private Builder() {}

    /**
     * Registers a record or enum with {@code id} (at least {@value #FIRST_ID}). For a sealed
     * interface, register each permitted record.
     */
    public Builder register(int id, Class<?> type) {
      if (id < FIRST_ID) {
        throw new IllegalArgumentException(
            "extension id " + id + " of " + type.getName() + " is below " + FIRST_ID);
      }
      if (!type.isRecord() && !type.isEnum()) {
        throw new IllegalArgumentException(
            "only records and enums can be registered, not " + type.getName());
      }
      if (KryoRegistry.idOf(type) >= 0 || registrations.containsValue(type)) {
        throw new IllegalArgumentException(type.getName() + " is registered twice");
      }
      Class<?> taken = registrations.putIfAbsent(id, type);
      if (taken != null) {
        throw new IllegalArgumentException("id " + id + " is taken by " + taken.getName());
      }
      return this;
    }

    /**
     * Lets record components of {@code type} (an interface or class the protocol cannot encode)
     * travel as the string {@code encode} makes; {@code decode} turns it back. Both run with the
     * codec's caller's context (for actor references: the receiving system).
     */
    public <T> Builder external(
        Class<T> type, Function<? super T, String> encode, Function<String, ? extends T> decode) {
      externals.put(type, new External<>(type, encode, decode));
      return this;
    }

    public CodecExtension build() {
      return new CodecExtension(registrations, externals);
    }
  }
}
