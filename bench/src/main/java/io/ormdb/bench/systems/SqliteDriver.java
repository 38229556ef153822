package io.ormdb.bench.systems;

import io.ormdb.bench.driver.ChildLoop;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * SQLite through sqlite-jdbc 3.47.1.0, in WAL mode with {@code synchronous=FULL} (the WAL is
 * fsynced at every commit) and foreign keys enforced. Embedded only. Every other setting is
 * SQLite's default.
 */
public final class SqliteDriver extends JdbcDriver {
  private Path file;

  public static void main(String[] args) {
    ChildLoop.serve(new SqliteDriver());
  }

  @Override
  protected Connection create(Path dir) throws SQLException {
    file = dir.toAbsolutePath().resolve("bench.sqlite");
    Connection c = connect("embedded");
    try (Statement s = c.createStatement()) {
      s.execute("PRAGMA journal_mode=WAL");
    }
    return c;
  }

  @Override
  protected Connection connect(String conn) throws SQLException {
    if (!"embedded".equals(conn)) {
      throw new UnsupportedOperationException("SQLite is embedded only");
    }
    Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
    try (Statement s = c.createStatement()) {
      s.execute("PRAGMA synchronous=FULL");
      s.execute("PRAGMA foreign_keys=ON");
      s.execute("PRAGMA busy_timeout=60000");
    }
    return c;
  }

  @Override
  protected void analyze(Statement s) throws SQLException {
    s.execute("ANALYZE");
  }

  @Override
  public String durability(String variant) {
    return "WAL, synchronous=FULL: fsync of the WAL at every commit";
  }

  @Override
  public void close() {}
}
