package io.ormdb.examples.docs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The fenced code blocks of a Markdown file, with their info string and the line they start on. */
record MarkdownBlocks(Path file, List<MarkdownBlocks.Block> blocks) {
  /**
   * One fenced block: {@code lang} is the fence's info string ("" for a bare fence), {@code text}
   * its lines (without a newline after the last).
   */
  record Block(String lang, int line, String text) {
    /** Where the block is, for assertion messages: {@code docs/x.md:42 (ormql)}. */
    String where(Path file) {
      return file + ":" + line + " (" + (lang.isEmpty() ? "bare fence" : lang) + ")";
    }
  }

  static MarkdownBlocks read(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    List<Block> blocks = new ArrayList<>();
    int i = 0;
    while (i < lines.size()) {
      String l = lines.get(i);
      if (!l.startsWith("```")) {
        i++;
        continue;
      }
      String lang = l.substring(3).trim();
      int start = i + 1;
      List<String> text = new ArrayList<>();
      i++;
      while (i < lines.size() && !lines.get(i).startsWith("```")) {
        text.add(lines.get(i));
        i++;
      }
      if (i == lines.size()) {
        throw new AssertionError(file + ":" + start + ": a code block is not closed");
      }
      blocks.add(new Block(lang, start, String.join("\n", text)));
      i++;
    }
    return new MarkdownBlocks(file, List.copyOf(blocks));
  }

  /** The block right after {@code b}, if any. */
  java.util.Optional<Block> after(Block b) {
    int i = blocks.indexOf(b);
    return i + 1 < blocks.size()
        ? java.util.Optional.of(blocks.get(i + 1))
        : java.util.Optional.empty();
  }

  List<Block> withLang(String lang) {
    return blocks.stream().filter(b -> b.lang().equals(lang)).toList();
  }
}
