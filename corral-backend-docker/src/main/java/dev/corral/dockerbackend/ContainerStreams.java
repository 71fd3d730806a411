package dev.corral.dockerbackend;

import dev.corral.core.SandboxException;
import dev.corral.core.Stdio;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * A container's standard streams over one attach connection ({@code POST /containers/ID/attach},
 * upgraded to a raw stream), as plain blocking streams. Output frames go into OS pipes that the
 * caller reads; what the caller writes to {@link #stdin()} goes to the container, and closing it
 * half-closes the connection, which closes the container's stdin. Under {@link Stdio#INHERIT}
 * Corral's own streams are copied instead.
 *
 * <p>Attach is done in plain JDK code rather than through docker-java, whose hijacked stdin did not
 * reach the container over the unix socket transport here. Two virtual threads per sandbox copy.
 */
final class ContainerStreams implements Closeable {
  private final Stdio stdio;
  private final SocketChannel channel;
  private final Pipe.SinkChannel outSink;
  private final Pipe.SinkChannel errSink;
  private final InputStream stdout;
  private final InputStream stderr;
  private final OutputStream stdin;
  private final InputStream stdinSource;

  private ContainerStreams(Stdio stdio, SocketChannel channel) throws IOException {
    this.stdio = stdio;
    this.channel = channel;
    Pipe outPipe = Pipe.open();
    Pipe errPipe = Pipe.open();
    Pipe inPipe = Pipe.open();
    outSink = outPipe.sink();
    errSink = errPipe.sink();
    stdout = Channels.newInputStream(outPipe.source());
    stderr = Channels.newInputStream(errPipe.source());
    stdin = Channels.newOutputStream(inPipe.sink());
    stdinSource = stdio == Stdio.INHERIT ? System.in : Channels.newInputStream(inPipe.source());
  }

  /**
   * Attaches to {@code container} on the engine at {@code host}: before it starts, so that no
   * output is missed, or, {@code gated}, after it started (Podman attaches only to running
   * containers) and then opens the gate: the one byte the container's command waits for (see {@link
   * ContainerPlan#gated}).
   */
  static ContainerStreams attach(String host, String container, Stdio stdio, boolean gated) {
    SocketChannel channel = null;
    try {
      channel = open(host);
      String request =
          "POST /containers/"
              + container
              + "/attach?stream=1&stdin=1&stdout=1&stderr=1"
              + " HTTP/1.1\r\n"
              + "Host: docker\r\nContent-Type: text/plain\r\nConnection: Upgrade\r\n"
              + "Upgrade: tcp\r\n\r\n";
      writeFully(channel, request.getBytes(StandardCharsets.US_ASCII));
      String head = readHead(channel);
      String status = head.lines().findFirst().orElse("");
      if (!status.contains(" 101 ") && !status.contains(" 200 ")) {
        throw new SandboxException(
            "the engine refused to attach to container " + container + ": " + status,
            "check the engine with `docker info`");
      }
      if (gated) {
        writeFully(channel, new byte[] {'\n'});
      }
      ContainerStreams streams = new ContainerStreams(stdio, channel);
      streams.startCopying(stdio == Stdio.TTY);
      return streams;
    } catch (IOException e) {
      closeQuietly(channel);
      throw new UncheckedIOException(e);
    }
  }

  private static SocketChannel open(String host) throws IOException {
    URI uri = URI.create(host);
    if ("unix".equals(uri.getScheme())) {
      SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
      channel.connect(UnixDomainSocketAddress.of(uri.getPath()));
      return channel;
    }
    return SocketChannel.open(new InetSocketAddress(uri.getHost(), uri.getPort()));
  }

  /** Reads the response head byte by byte, so nothing of the raw stream after it is consumed. */
  private static String readHead(SocketChannel channel) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    ByteBuffer one = ByteBuffer.allocate(1);
    while (head.size() < 16384) {
      one.clear();
      if (channel.read(one) < 0) {
        throw new EOFException("the engine closed the attach connection");
      }
      head.write(one.get(0));
      byte[] b = head.toByteArray();
      int n = b.length;
      if (n >= 4 && b[n - 4] == '\r' && b[n - 3] == '\n' && b[n - 2] == '\r' && b[n - 1] == '\n') {
        break;
      }
    }
    return head.toString(StandardCharsets.US_ASCII);
  }

  private void startCopying(boolean raw) {
    Thread.ofVirtual().name("corral-attach-out").start(() -> copyOutput(raw));
    Thread.ofVirtual().name("corral-attach-in").start(this::copyInput);
  }

  private OutputStream target(int stream) {
    if (stdio == Stdio.INHERIT) {
      return stream == 2 ? System.err : System.out;
    }
    return Channels.newOutputStream(stream == 2 ? errSink : outSink);
  }

  /** Copies output: raw under a terminal, else frames of an 8-byte header and a payload. */
  private void copyOutput(boolean raw) {
    OutputStream out = target(1);
    OutputStream err = target(2);
    try (InputStream in = Channels.newInputStream(channel)) {
      if (raw) {
        in.transferTo(out);
        out.flush();
        return;
      }
      byte[] header = new byte[8];
      while (in.readNBytes(header, 0, 8) == 8) {
        int size =
            ((header[4] & 0xff) << 24)
                | ((header[5] & 0xff) << 16)
                | ((header[6] & 0xff) << 8)
                | (header[7] & 0xff);
        byte[] payload = in.readNBytes(size);
        OutputStream target = header[0] == 2 ? err : out;
        target.write(payload);
        target.flush();
      }
    } catch (IOException e) {
      // the connection ended: so has the output
    } finally {
      closeQuietly(outSink);
      closeQuietly(errSink);
    }
  }

  private void copyInput() {
    try {
      byte[] buffer = new byte[8192];
      int n;
      while ((n = stdinSource.read(buffer)) >= 0) {
        writeFully(channel, java.util.Arrays.copyOf(buffer, n));
      }
      channel.shutdownOutput();
    } catch (IOException e) {
      // the container is gone, or the caller closed everything
    }
  }

  private static void writeFully(SocketChannel channel, byte[] bytes) throws IOException {
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    while (buffer.hasRemaining()) {
      channel.write(buffer);
    }
  }

  InputStream stdout() {
    return stdio == Stdio.INHERIT ? InputStream.nullInputStream() : stdout;
  }

  InputStream stderr() {
    return stdio == Stdio.PIPE ? stderr : InputStream.nullInputStream();
  }

  OutputStream stdin() {
    return stdio == Stdio.INHERIT ? OutputStream.nullOutputStream() : stdin;
  }

  /** Closes the connection and every stream, ours and the caller's ends. */
  @Override
  public void close() {
    closeQuietly(channel);
    closeQuietly(stdin);
    if (stdio != Stdio.INHERIT) {
      closeQuietly(stdinSource);
    }
    closeQuietly(outSink);
    closeQuietly(errSink);
    closeQuietly(stdout);
    closeQuietly(stderr);
  }

  private static void closeQuietly(@org.jspecify.annotations.Nullable Closeable c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (IOException e) {
      // nothing more to do
    }
  }
}
