package io.ormdb.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.EnumMap;
import java.util.Map;

/**
 * Routes the bytes a child writes after a measured repetition to that repetition's row: a child's
 * next reply, whatever its command, says what was written since its last run ended ({@code
 * afterLastRun}), and it belongs to the row that run measured. After a warm-up nothing is routed.
 */
final class WriteLedger {
  private final Map<Plan.Child, Measurement> lastMeasured = new EnumMap<>(Plan.Child.class);

  /**
   * Books a reply of {@code child}: its {@code afterLastRun} goes to the row the child measured
   * last; its {@code io} to {@code measured} (null for a warm-up or any command that measures
   * nothing), which becomes the child's last measured row.
   */
  void replied(Plan.Child child, JsonNode reply, Measurement measured) {
    Measurement last = lastMeasured.remove(child);
    JsonNode after = reply.path("afterLastRun");
    if (last != null && after.isObject()) {
      last.addAfter(after);
    }
    if (measured != null && reply.path("ok").asBoolean()) {
      measured.addWindow(reply.path("io"));
      lastMeasured.put(child, measured);
    }
  }
}
