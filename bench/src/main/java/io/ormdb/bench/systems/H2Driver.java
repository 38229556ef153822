package io.ormdb.bench.systems;

import io.ormdb.bench.driver.ChildLoop;
import io.ormdb.bench.net.DelayProxy;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * H2 2.3.232 SQL, embedded and as a TCP server on 127.0.0.1 in the same child JVM (both serve the
 * same open database), optionally through the {@link DelayProxy}. Runs with H2 on its classpath and
 * without ORMDB's h2-mvstore 2.4.240. The server is started reflectively so this module does not
 * compile against H2.
 *
 * <p>Durability: H2 has no fsync-on-commit setting. Variant {@code durable} commits and then runs
 * {@code CHECKPOINT SYNC} (flush and fsync); variant {@code nosync} is H2's default (committed
 * changes reach the file within WRITE_DELAY, 500 ms, without fsync).
 */
public final class H2Driver extends JdbcDriver {
  /** The proxy's delay per direction per chunk, from {@code -Dbench.proxyDelayMicros}. */
  private static final long PROXY_DELAY_NANOS =
      Long.getLong("bench.proxyDelayMicros", 1000L) * 1000L;

  private Path file;
  private Connection keeper;
  private Object tcpServer;
  private int tcpPort;
  private DelayProxy proxy;

  public static void main(String[] args) {
    ChildLoop.serve(new H2Driver());
  }

  @Override
  protected Connection create(Path dir) throws SQLException {
    file = dir.toAbsolutePath().resolve("h2bench");
    // One connection stays open so the database stays open between sessions.
    keeper = DriverManager.getConnection(embeddedUrl(), "sa", "");
    return DriverManager.getConnection(embeddedUrl(), "sa", "");
  }

  private String embeddedUrl() {
    return "jdbc:h2:file:" + file;
  }

  @Override
  protected void analyze(Statement s) throws SQLException {
    s.execute("ANALYZE");
  }

  @Override
  protected Connection connect(String conn) throws SQLException {
    switch (conn) {
      case "embedded":
        return DriverManager.getConnection(embeddedUrl(), "sa", "");
      case "tcp":
        return DriverManager.getConnection(tcpUrl(tcpPort()), "sa", "");
      case "proxy":
        return DriverManager.getConnection(tcpUrl(proxyPort()), "sa", "");
      default:
        throw new UnsupportedOperationException("unknown connection mode " + conn);
    }
  }

  private String tcpUrl(int port) {
    return "jdbc:h2:tcp://127.0.0.1:" + port + "/" + file;
  }

  private synchronized int tcpPort() throws SQLException {
    if (tcpServer == null) {
      try {
        System.setProperty("h2.bindAddress", "127.0.0.1");
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
          port = probe.getLocalPort();
        }
        Class<?> server = Class.forName("org.h2.tools.Server");
        tcpServer =
            server
                .getMethod("createTcpServer", String[].class)
                .invoke(null, (Object) new String[] {"-tcpPort", Integer.toString(port)});
        server.getMethod("start").invoke(tcpServer);
        tcpPort = (Integer) server.getMethod("getPort").invoke(tcpServer);
      } catch (ReflectiveOperationException | java.io.IOException e) {
        throw new SQLException("could not start the H2 TCP server", e);
      }
    }
    return tcpPort;
  }

  private synchronized int proxyPort() throws SQLException {
    if (proxy == null) {
      try {
        proxy = new DelayProxy(new InetSocketAddress("127.0.0.1", tcpPort()), PROXY_DELAY_NANOS);
      } catch (java.io.IOException e) {
        throw new SQLException("could not start the delay proxy", e);
      }
    }
    return proxy.port();
  }

  @Override
  protected void afterCommit(Connection c, String variant) throws SQLException {
    if (!"nosync".equals(variant)) {
      try (Statement s = c.createStatement()) {
        s.execute("CHECKPOINT SYNC");
      }
    }
  }

  @Override
  public String durability(String variant) {
    return "nosync".equals(variant)
        ? "H2 default: commit without fsync (WRITE_DELAY 500 ms)"
        : "commit + CHECKPOINT SYNC per transaction (H2 has no fsync-on-commit setting)";
  }

  @Override
  public void close() throws Exception {
    if (proxy != null) {
      proxy.close();
    }
    if (tcpServer != null) {
      tcpServer.getClass().getMethod("stop").invoke(tcpServer);
    }
    if (keeper != null) {
      keeper.close();
    }
  }
}
