package io.ormdb.store.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.lang.query.QueryParser;
import io.ormdb.protocol.lang.query.Statement;
import io.ormdb.protocol.lang.schema.SchemaParser;
import io.ormdb.protocol.mutation.Mutation;
import io.ormdb.protocol.mutation.MutationBatch;
import io.ormdb.protocol.query.GraphQuery;
import io.ormdb.protocol.value.Value;
import io.ormdb.store.OrmStore;
import io.ormdb.store.StoreConfig;
import io.ormdb.store.VerifyReport;
import io.ormdb.store.internal.codec.Buf;
import io.ormdb.store.internal.codec.KeyCodec;
import io.ormdb.store.internal.file.LoggedMap;
import io.ormdb.store.internal.file.StoreFile;
import io.ormdb.store.internal.file.StoreMaps;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file whose keys hold supplementary characters in the order of version 1 of the key encoding
 * (UTF-16 code units: U+1F600 below U+E000) is converted when it is opened: identity scans, index
 * order and index ranges then agree with value comparisons (code point order); the conversion is
 * durable, and a file that still needs it cannot be opened read-only.
 */
class KeyUpgradeTest {
  @TempDir Path dir;

  static final String SCHEMA =
      """
      entity Word {
        id   string @id
        text string @index
        rank int32
      }
      """;

  /** Every text, as id and as indexed value, in code point order. */
  static final List<String> IN_CODE_POINT_ORDER =
      List.of(
          "a",
          "x\ud83d\ude00y", // x U+1F600 y
          "z",
          "\ue000",
          "\ufffd",
          "\ud83c\udf89", // U+1F389
          "\ud83d\ude00", // U+1F600
          "\ud83d\ude00!");

  /**
   * Version 1 of the string encoding, as it was: every UTF-16 code unit in the one- to three-byte
   * forms. The bytes of the golden test below were written by the code of that version.
   */
  static byte[] legacyString(int tag, String s) {
    Buf b = new Buf(3 * s.length() + 2).put(tag);
    for (int i = 0; i < s.length(); i++) {
      int c = s.charAt(i);
      if (c < 0x7F) {
        b.put(c + 1);
      } else if (c <= 0x407E) {
        int x = c - 0x7F;
        b.put(0x80 | (x >>> 8)).put(x & 0xFF);
      } else {
        b.put(0xC0).put(c >>> 8).put(c & 0xFF);
      }
    }
    return b.put(0).toBytes();
  }

  @Test
  void theDecoderReadsVersionOneAndTheEncoderWritesCodePoints() {
    // written by KeyCodec before version 2
    Map<String, String> v1 =
        Map.of(
            "a\ue000", "3062c0e00000",
            "\ud83d\ude00", "30c0d83dc0de0000",
            "\uffff\ud800\udfff", "30c0ffffc0d800c0dfff00",
            "\u407f\ud7ff", "30c0407fc0d7ff00");
    v1.forEach(
        (s, hex) -> {
          byte[] old = HexFormat.of().parseHex(hex);
          assertThat(legacyString(0x30, s)).as("the test's version 1 encoder").isEqualTo(old);
          assertThat(KeyCodec.decode(old)).isEqualTo(new Value.Str(s));
        });
    assertThat(HexFormat.of().formatHex(KeyCodec.encode(new Value.Str("\ud83d\ude00"))))
        .isEqualTo("30c1f60000");
    assertThat(HexFormat.of().formatHex(KeyCodec.encode(new Value.Str("\uffff\ud800\udfff"))))
        .isEqualTo("30c0ffffc103ff00");
    // text without supplementary characters encodes as it did
    assertThat(HexFormat.of().formatHex(KeyCodec.encode(new Value.Str("a\ue000"))))
        .isEqualTo("3062c0e00000");
  }

  @Test
  void aVersionOneFileIsConvertedAtOpenAndThenAgreesWithCodePointOrder() {
    write();
    int rewritten = downgradeToVersionOne();
    assertThat(rewritten).as("keys holding supplementary characters").isGreaterThan(8);

    VerifyReport before = OrmStore.verify(dir);
    assertThat(before.warnings())
        .anySatisfy(w -> assertThat(w).contains("not checked", "the next writable open converts"));

    OrmDbException refused =
        catchThrowableOfType(
            OrmDbException.class, () -> OrmStore.open(StoreConfig.of(dir).withReadOnly()));
    assertThat(refused.code()).isEqualTo(ErrorCode.STORAGE_UNAVAILABLE);
    assertThat(refused.getMessage())
        .contains("cannot be opened read-only", "supplementary characters", "open it writable");

    try (OrmStore store = OrmStore.open(StoreConfig.of(dir))) {
      checkOrders(store);
      // and new rows go where the converted ones are
      store.commit(MutationBatch.of(word("\ud83d\ude01", 9)));
      assertThat(ids(store, "Word.findMany().where(text > \"\ud83d\ude00!\")"))
          .containsExactly("\ud83d\ude01");
    }
    // converted for good: a read-only open needs nothing converted
    try (OrmStore store = OrmStore.open(StoreConfig.of(dir).withReadOnly())) {
      assertThat(ids(store, "Word.findMany().orderBy(text).limit(3)"))
          .containsExactly("a", "x\ud83d\ude00y", "z");
    }
    assertThat(OrmStore.verify(dir).clean()).as("%s", OrmStore.verify(dir)).isTrue();
  }

  @Test
  void aVersionOneFileWithoutSupplementaryCharactersOpensReadOnlyAsItIs() {
    try (OrmStore store = OrmStore.open(StoreConfig.of(dir))) {
      store.applySchema(SchemaParser.parse(SCHEMA));
      store.commit(MutationBatch.of(word("a", 1), word("\ue000", 2)));
    }
    assertThat(downgradeToVersionOne()).isZero();
    try (OrmStore store = OrmStore.open(StoreConfig.of(dir).withReadOnly())) {
      assertThat(ids(store, "Word.findMany().orderBy(text)")).containsExactly("a", "\ue000");
    }
  }

  private static Mutation word(String s, int rank) {
    return new Mutation.Insert(
        "Word", Map.of("id", Value.of(s), "text", Value.of(s), "rank", Value.of(rank)));
  }

  private void write() {
    try (OrmStore store = OrmStore.open(StoreConfig.of(dir))) {
      store.applySchema(SchemaParser.parse(SCHEMA));
      List<Mutation> words = new ArrayList<>();
      for (int i = IN_CODE_POINT_ORDER.size() - 1; i >= 0; i--) {
        words.add(word(IN_CODE_POINT_ORDER.get(i), i));
      }
      store.commit(new MutationBatch(words));
      // a second version of every row
      for (String s : IN_CODE_POINT_ORDER) {
        store.commit(
            MutationBatch.of(
                new Mutation.Update("Word", Value.of(s), Map.of("rank", Value.of(7)), 0)));
      }
      checkOrders(store);
    }
  }

  /**
   * Rewrites the closed store's keys as version 1 wrote them and forgets the recorded version, as a
   * file of that version looks; returns how many keys changed.
   */
  private int downgradeToVersionOne() {
    return StoreFile.open(
        StoreConfig.of(dir),
        file -> {
          try {
            StoreMaps maps = new StoreMaps(file);
            assertThat(maps.meta.map().get(KeyUpgrade.STRING_ENCODING)).isEqualTo("2");
            int n = toVersionOne(maps.rows, 8) + toVersionOne(maps.idx, 0);
            maps.meta.remove(KeyUpgrade.STRING_ENCODING);
            file.commit();
            return n;
          } finally {
            file.close(true);
          }
        });
  }

  private static int toVersionOne(LoggedMap<byte[], byte[]> map, int tail) {
    List<byte[]> keys = new ArrayList<>();
    for (Iterator<byte[]> it = map.map().keyIterator(null); it.hasNext(); ) {
      keys.add(it.next());
    }
    int n = 0;
    for (byte[] k : keys) {
      Buf out = new Buf(k.length * 2).put(k, 0, 4);
      int end = k.length - tail;
      for (int pos = 4; pos < end; pos = KeyCodec.skip(k, pos)) {
        Value v = KeyCodec.decode(new Buf.In(k, pos));
        out.put(v instanceof Value.Str s ? legacyString(0x30, s.value()) : KeyCodec.encode(v));
      }
      byte[] old = out.put(k, end, tail).toBytes();
      if (!java.util.Arrays.equals(old, k)) {
        map.put(old, map.remove(k));
        n++;
      }
    }
    return n;
  }

  private static void checkOrders(OrmStore store) {
    List<String> all = IN_CODE_POINT_ORDER;
    // identity order (a scan of the rows), index order (with a limit), a full sort
    assertThat(ids(store, "Word.findMany()")).isEqualTo(all);
    assertThat(ids(store, "Word.findMany().orderBy(text).limit(20)")).isEqualTo(all);
    List<String> reversed = new ArrayList<>(all);
    java.util.Collections.reverse(reversed);
    assertThat(ids(store, "Word.findMany().orderBy(text.desc).limit(20)")).isEqualTo(reversed);
    assertThat(ids(store, "Word.findMany().orderBy(rank, text)")).isEqualTo(all);
    // index ranges and identity ranges give what comparing the values gives
    assertThat(ids(store, "Word.findMany().where(text >= \"\ue000\")"))
        .isEqualTo(all.subList(3, all.size()));
    assertThat(ids(store, "Word.findMany().where(text < \"\ud83d\ude00\" && text > \"z\")"))
        .containsExactly("\ue000", "\ufffd", "\ud83c\udf89");
    assertThat(ids(store, "Word.findMany().where(id > \"\ufffd\")"))
        .containsExactly("\ud83c\udf89", "\ud83d\ude00", "\ud83d\ude00!");
    assertThat(ids(store, "Word.findMany().where(text like \"\ud83d\ude00%\")"))
        .containsExactly("\ud83d\ude00", "\ud83d\ude00!");
    assertThat(ids(store, "Word.findMany().where(id == \"x\ud83d\ude00y\")"))
        .containsExactly("x\ud83d\ude00y");
    assertThat(store.explain(query("Word.findMany().where(text >= \"\ue000\")"), false).text())
        .contains("index-range");
  }

  private static GraphQuery query(String text) {
    return ((Statement.Find) QueryParser.parse(text)).query();
  }

  private static List<String> ids(OrmStore store, String text) {
    return store.query(query(text)).root().ids().stream().map(Value::asString).toList();
  }
}
