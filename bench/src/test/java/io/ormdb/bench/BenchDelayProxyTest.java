package io.ormdb.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.ormdb.bench.net.DelayProxy;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BenchDelayProxyTest {
  private static final long DELAY_NANOS = 20_000_000L;

  private ServerSocket echo;
  private Thread echoThread;

  @BeforeEach
  void startEchoServer() throws Exception {
    echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    echoThread =
        new Thread(
            () -> {
              try (Socket s = echo.accept();
                  InputStream in = s.getInputStream();
                  OutputStream out = s.getOutputStream()) {
                in.transferTo(out);
              } catch (Exception e) {
                // the test closed the server
              }
            });
    echoThread.start();
  }

  @AfterEach
  void stop() throws Exception {
    echo.close();
    echoThread.join(5000);
  }

  @Test
  void forwardsEveryByteIntactInBothDirections() throws Exception {
    byte[] payload = new byte[300_000];
    new Random(7).nextBytes(payload);
    try (DelayProxy proxy = new DelayProxy(target(), 1_000_000L);
        Socket s = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
      Thread writer =
          new Thread(
              () -> {
                try {
                  s.getOutputStream().write(payload);
                  s.shutdownOutput();
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      writer.start();
      ByteArrayOutputStream back = new ByteArrayOutputStream();
      s.getInputStream().transferTo(back);
      writer.join();
      assertThat(back.toByteArray()).isEqualTo(payload);
    }
  }

  @Test
  void aRoundTripTakesAtLeastTheConfiguredDelayEachWay() throws Exception {
    try (DelayProxy proxy = new DelayProxy(target(), DELAY_NANOS);
        Socket s = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
      for (int i = 0; i < 3; i++) {
        long t0 = System.nanoTime();
        s.getOutputStream().write(i);
        s.getOutputStream().flush();
        int b = s.getInputStream().read();
        long elapsed = System.nanoTime() - t0;
        assertThat(b).isEqualTo(i);
        assertThat(elapsed).isGreaterThanOrEqualTo(2 * DELAY_NANOS);
      }
    }
  }

  private InetSocketAddress target() {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), echo.getLocalPort());
  }
}
