package io.ormdb.protocol.codec;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.value.Value;

/**
 * {@link Value.Json} as its one string component (the same bytes a record serializer would write),
 * refusing text that is not well-formed JSON in both directions, as {@code Value.Json} promises.
 */
final class JsonValueSerializer extends Serializer<Value.Json> {
  JsonValueSerializer() {
    super(false, true);
  }

  @Override
  public void write(Kryo kryo, Output output, Value.Json json) {
    String problem = JsonSyntax.problem(json.text());
    if (problem != null) {
      throw OrmDbException.invalid("cannot encode Value.Json: not well-formed JSON: " + problem);
    }
    WireStrings.write(output, json.text());
  }

  @Override
  public Value.Json read(Kryo kryo, Input input, Class<? extends Value.Json> type) {
    String text;
    try {
      text = WireStrings.read(input);
    } catch (DecodeFailure e) {
      throw e.within("text");
    }
    if (text == null) {
      throw new DecodeFailure("Value.Json refused its fields: text is missing");
    }
    String problem = JsonSyntax.problem(text);
    if (problem != null) {
      throw new DecodeFailure("not well-formed JSON: " + problem).within("text");
    }
    return new Value.Json(text);
  }
}
