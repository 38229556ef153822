package io.ormdb.bench.net;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * A TCP proxy on loopback that delays every chunk of bytes by a fixed time in each direction,
 * simulating network latency between a client and a server on one machine. Chunks keep their order
 * and are delayed independently (a pipelined stream is not slowed down per chunk), so a
 * request/response round trip costs at least twice the delay.
 */
public final class DelayProxy implements AutoCloseable {
  private final InetSocketAddress target;
  private final long delayNanos;
  private final ServerSocket server;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private volatile boolean closed;

  /** Listens on 127.0.0.1, on a free port, and forwards to {@code target}. */
  public DelayProxy(InetSocketAddress target, long delayNanos) throws IOException {
    this.target = target;
    this.delayNanos = delayNanos;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::acceptLoop, "delay-proxy-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  public int port() {
    return server.getLocalPort();
  }

  public long delayNanos() {
    return delayNanos;
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket client = server.accept();
        Socket upstream = new Socket(target.getAddress(), target.getPort());
        client.setTcpNoDelay(true);
        upstream.setTcpNoDelay(true);
        sockets.add(client);
        sockets.add(upstream);
        java.util.concurrent.atomic.AtomicInteger open =
            new java.util.concurrent.atomic.AtomicInteger(2);
        Runnable done =
            () -> {
              if (open.decrementAndGet() == 0) {
                closeQuietly(client);
                closeQuietly(upstream);
              }
            };
        pump(client, upstream, "up", done);
        pump(upstream, client, "down", done);
      } catch (IOException e) {
        if (!closed) {
          System.err.println("delay proxy: " + e);
        }
      }
    }
  }

  private record Chunk(byte[] bytes, long due) {}

  private static final Chunk END = new Chunk(new byte[0], 0);

  /** Two threads per direction: one reads and stamps chunks, one writes them when due. */
  private void pump(Socket from, Socket to, String name, Runnable done) {
    LinkedBlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();
    Thread reader =
        new Thread(
            () -> {
              byte[] buf = new byte[64 * 1024];
              try {
                // Never close this stream: that would close the socket for both directions.
                InputStream in = from.getInputStream();
                int n;
                while ((n = in.read(buf)) >= 0) {
                  if (n > 0) {
                    queue.add(new Chunk(Arrays.copyOf(buf, n), System.nanoTime() + delayNanos));
                  }
                }
              } catch (IOException e) {
                // the socket closed: end the stream
              } finally {
                queue.add(END);
              }
            },
            "delay-proxy-" + name + "-read");
    Thread writer =
        new Thread(
            () -> {
              try {
                OutputStream out = to.getOutputStream();
                while (true) {
                  Chunk c = queue.take();
                  if (c == END) {
                    to.shutdownOutput();
                    done.run();
                    return;
                  }
                  long wait;
                  while ((wait = c.due() - System.nanoTime()) > 0) {
                    LockSupport.parkNanos(wait);
                  }
                  out.write(c.bytes());
                  out.flush();
                }
              } catch (IOException e) {
                closeQuietly(from);
                closeQuietly(to);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "delay-proxy-" + name + "-write");
    reader.setDaemon(true);
    writer.setDaemon(true);
    reader.start();
    writer.start();
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // closing anyway
    }
  }

  @Override
  public void close() throws IOException {
    closed = true;
    server.close();
    for (Socket s : sockets) {
      closeQuietly(s);
    }
  }
}
