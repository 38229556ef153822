package io.ormdb.protocol.codec;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Registration;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.util.DefaultClassResolver;

/**
 * A Kryo set up by {@link KryoRegistry}, with the record nesting counter its serializers share.
 * Like every Kryo, used by one thread at a time (the codecs take them from a pool).
 */
final class OrmKryo extends Kryo {
  final int maxNesting;
  final CodecExtension extension;
  int nesting;

  /** Reused buffers; the codec shrinks the output back after a large message. */
  final Output output = new Output(INITIAL_BUFFER, -1);

  final Input input = new Input();

  static final int INITIAL_BUFFER = 4096;
  static final int MAX_KEPT_BUFFER = 1 << 20;

  OrmKryo(int maxNesting, CodecExtension extension) {
    super(new IdsOnlyClassResolver(), null);
    this.maxNesting = maxNesting;
    this.extension = extension;
  }

  /** Readies the reused output for a new value, dropping a buffer grown by a large one. */
  Output freshOutput() {
    if (output.getBuffer().length > MAX_KEPT_BUFFER) {
      output.setBuffer(new byte[INITIAL_BUFFER], -1);
    }
    output.reset();
    nesting = 0;
    return output;
  }

  /** Points the reused input at {@code length} bytes of {@code bytes} from {@code offset}. */
  Input input(byte[] bytes, int offset, int length) {
    input.setBuffer(bytes, offset, length);
    nesting = 0;
    return input;
  }

  /**
   * Refuses class names on input: Kryo would otherwise load any class named in the bytes (before
   * finding it unregistered) after reading the name with an unchecked length.
   */
  static final class IdsOnlyClassResolver extends DefaultClassResolver {
    @Override
    protected Registration readName(Input input) {
      throw new KryoException("class names are not accepted, only registered class ids");
    }
  }
}
