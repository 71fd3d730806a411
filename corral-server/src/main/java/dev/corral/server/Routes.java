package dev.corral.server;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Handler;
import io.javalin.http.sse.SseClient;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Registers routes with Javalin and remembers them, so a test can hold the OpenAPI document against
 * exactly what is served.
 */
final class Routes {
  private final RoutesConfig routes;
  private final List<String> registered = new ArrayList<>();

  Routes(RoutesConfig routes) {
    this.routes = routes;
  }

  void get(String path, Handler handler) {
    registered.add("get " + path);
    routes.get(path, handler);
  }

  void post(String path, Handler handler) {
    registered.add("post " + path);
    routes.post(path, handler);
  }

  void put(String path, Handler handler) {
    registered.add("put " + path);
    routes.put(path, handler);
  }

  void delete(String path, Handler handler) {
    registered.add("delete " + path);
    routes.delete(path, handler);
  }

  void sse(String path, Consumer<SseClient> handler) {
    registered.add("get " + path);
    routes.sse(path, handler);
  }

  void ws(String path, Consumer<io.javalin.websocket.WsConfig> handler) {
    registered.add("get " + path);
    routes.ws(path, handler);
  }

  /** {@code "method path"} of every route, e.g. {@code "get /api/v1/tasks/{id}"}. */
  List<String> registered() {
    return List.copyOf(registered);
  }
}
