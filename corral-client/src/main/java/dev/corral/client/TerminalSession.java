package dev.corral.client;

import dev.corral.api.Problem;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** An attached sandbox terminal. Thread-safe for sending; close it when done. */
public final class TerminalSession implements AutoCloseable {
  private final WebSocket socket;

  /** Receives the terminal's output and its end. Called on the client's threads, in order. */
  public interface Listener {
    void output(byte[] bytes);

    /** The server closed the terminal: 1000 when the sandbox ended, 4409 when control is taken. */
    void closed(int status, String reason);
  }

  private TerminalSession(WebSocket socket) {
    this.socket = socket;
  }

  static TerminalSession open(HttpClient http, URI uri, String token, Listener listener) {
    try {
      WebSocket socket =
          http.newWebSocketBuilder()
              .header("Authorization", "Bearer " + token)
              .buildAsync(uri, adapter(listener))
              .get(30, TimeUnit.SECONDS);
      return new TerminalSession(socket);
    } catch (ExecutionException e) {
      int status =
          e.getCause() instanceof WebSocketHandshakeException h ? h.getResponse().statusCode() : 0;
      throw new CorralApiException(
          new Problem(
              "about:blank",
              "Terminal refused",
              status,
              "cannot attach to " + uri + ": " + e.getCause(),
              null),
          e);
    } catch (TimeoutException e) {
      throw new CorralApiException(
          new Problem("about:blank", "Timeout", 0, "no answer attaching to " + uri, null), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CorralApiException(
          new Problem("about:blank", "Interrupted", 0, "interrupted attaching to " + uri, null), e);
    }
  }

  private static WebSocket.Listener adapter(Listener listener) {
    return new WebSocket.Listener() {
      @Override
      public CompletionStage<?> onBinary(WebSocket socket, ByteBuffer data, boolean last) {
        byte[] bytes = new byte[data.remaining()];
        data.get(bytes);
        listener.output(bytes);
        return WebSocket.Listener.super.onBinary(socket, data, last);
      }

      @Override
      public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
        // A task's attach socket sends its output as text frames.
        listener.output(data.toString().getBytes(StandardCharsets.UTF_8));
        return WebSocket.Listener.super.onText(socket, data, last);
      }

      @Override
      public void onError(WebSocket socket, Throwable error) {
        // The connection broke without a close frame (the server died, the network went away).
        listener.closed(1006, "connection lost: " + error);
      }

      @Override
      public CompletionStage<?> onClose(WebSocket socket, int status, String reason) {
        listener.closed(status, reason);
        return WebSocket.Listener.super.onClose(socket, status, reason);
      }
    };
  }

  /** Types {@code keys} as they are (ignored by the server unless this session has control). */
  public void send(byte[] keys) {
    socket.sendBinary(ByteBuffer.wrap(keys.clone()), true).join();
  }

  /** Types {@code text} (ignored by the server unless this session has control). */
  public void type(String text) {
    socket.sendBinary(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), true).join();
  }

  public void resize(int columns, int rows) {
    socket
        .sendText("{\"type\":\"resize\",\"columns\":" + columns + ",\"rows\":" + rows + "}", true)
        .join();
  }

  @Override
  public void close() {
    socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").exceptionally(e -> socket).join();
  }
}
