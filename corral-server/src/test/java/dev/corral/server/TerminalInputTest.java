package dev.corral.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** Attacks the terminal input lock: concurrent writers must never splice into each other. */
class TerminalInputTest {
  /** A terminal that takes its input one byte at a time, parking in between (like a slow PTY). */
  static final class SlowTerminal extends OutputStream {
    final ByteArrayOutputStream received = new ByteArrayOutputStream();

    @Override
    public void write(int b) {
      synchronized (received) {
        received.write(b);
      }
      java.util.concurrent.locks.LockSupport.parkNanos(1_000);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      for (int i = off; i < off + len; i++) {
        write(b[i]);
      }
    }
  }

  @Test
  void anAnswerIsNeverSplicedIntoAClientsWrite() throws Exception {
    SlowTerminal terminal = new SlowTerminal();
    TerminalInput input = new TerminalInput(() -> terminal);
    int block = 1_000;
    int rounds = 20;
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> writers = new ArrayList<>();
    for (char c : new char[] {'a', 'b', 'c', 'd'}) {
      byte[] bytes = new byte[block];
      Arrays.fill(bytes, (byte) c);
      writers.add(
          Thread.ofPlatform()
              .start(
                  () -> {
                    try {
                      go.await();
                      for (int i = 0; i < rounds; i++) {
                        input.write(bytes);
                      }
                    } catch (Exception e) {
                      throw new IllegalStateException(e);
                    }
                  }));
    }
    go.countDown();
    for (Thread writer : writers) {
      writer.join();
    }
    byte[] all = terminal.received.toByteArray();
    assertThat(all).hasSize(4 * block * rounds);
    for (int start = 0; start < all.length; start += block) {
      byte first = all[start];
      for (int i = start; i < start + block; i++) {
        assertThat(all[i])
            .as("byte %d is inside the write that began at %d", i, start)
            .isEqualTo(first);
      }
    }
  }
}
