package io.ormdb.protocol.codec;

import com.esotericsoftware.kryo.KryoException;

/** Well-formed bytes that hold an object of another class than the one asked for. Internal. */
final class WrongClass extends KryoException {
  private static final long serialVersionUID = 1L;

  private final transient Class<?> found;

  WrongClass(Class<?> found, String message) {
    super(message);
    this.found = found;
  }

  /** The class the bytes hold, or null for a null object. */
  Class<?> found() {
    return found;
  }
}
