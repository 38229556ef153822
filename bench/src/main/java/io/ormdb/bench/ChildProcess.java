package io.ormdb.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ormdb.bench.driver.ChildLoop;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One system's child JVM: started with that system's classpath, driven by JSON lines on its stdin,
 * answering JSON lines on its stdout; its stderr goes to a log file.
 */
final class ChildProcess implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String name;
  private final Process process;
  private final Writer in;
  private final BufferedReader out;
  private final Path log;

  private ChildProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
    this.in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    this.out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
  }

  static ChildProcess start(
      String name, String mainClass, String classpath, List<String> jvmArgs, Path log)
      throws IOException {
    Files.createDirectories(log.getParent());
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmArgs);
    cmd.add("-cp");
    cmd.add(classpath);
    cmd.add(mainClass);
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.redirectError(ProcessBuilder.Redirect.to(log.toFile()));
    return new ChildProcess(name, pb.start(), log);
  }

  String name() {
    return name;
  }

  /** Sends a command and waits for its reply. A reply with {@code ok: false} is returned as is. */
  synchronized JsonNode call(ObjectNode command) throws IOException {
    in.write(JSON.writeValueAsString(command));
    in.write('\n');
    in.flush();
    String line = out.readLine();
    while (line != null && !line.startsWith(ChildLoop.REPLY_PREFIX)) {
      System.err.println("[" + name + " stdout] " + line);
      line = out.readLine();
    }
    if (line == null) {
      throw new IOException(
          "child '"
              + name
              + "' ended without answering; its log "
              + log
              + " ends with:\n"
              + tail());
    }
    return JSON.readTree(line.substring(ChildLoop.REPLY_PREFIX.length()));
  }

  private String tail() {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }

  @Override
  public void close() {
    try {
      in.write("{\"cmd\":\"quit\"}\n");
      in.flush();
    } catch (IOException e) {
      // already gone
    }
    try {
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.toHandle().destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.toHandle().destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
