package io.ormdb.node.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ormdb.protocol.lang.ParseException;
import io.ormdb.protocol.lang.query.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScriptTest {
  @Test
  void cutsAtTopLevelSemicolonsOnlyAndKeepsHeadingsAndExpectations() {
    List<Script.Chunk> chunks =
        Script.parse(
            "// first\nNote.create({ text: \"a;b\" });\n"
                + "/* block; comment */\n"
                + "// expect: CONFLICT\n// second\n"
                + "batch { Note.create({ text: 'x' }); Note.deleteMany().where(text == \"`;\") };\n"
                + "Note.count()");
    assertThat(chunks).hasSize(3);
    assertThat(chunks.get(0).notes()).containsExactly("first");
    assertThat(chunks.get(0).text()).isEqualTo("Note.create({ text: \"a;b\" })");
    assertThat(chunks.get(0).line()).isEqualTo(2);
    assertThat(chunks.get(1).expectedError()).isEqualTo("CONFLICT");
    assertThat(chunks.get(1).notes()).containsExactly("second");
    assertThat(chunks.get(1).line()).isEqualTo(6);
    assertThat(chunks.get(1).statement()).isInstanceOf(Statement.Write.class);
    assertThat(((Statement.Write) chunks.get(1).statement()).batch().mutations()).hasSize(2);
    assertThat(chunks.get(2).statement()).isInstanceOf(Statement.Aggregate.class);
    assertThat(chunks.get(2).line()).isEqualTo(7);
  }

  @Test
  void aSyntaxErrorIsReportedAtItsScriptPosition() {
    assertThatThrownBy(() -> Script.parse("Note.count();\n\n  Note.findMany().limit(\"x\")"))
        .isInstanceOfSatisfying(ParseException.class, e -> assertThat(e.line()).isEqualTo(3));
  }
}
