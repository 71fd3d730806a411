package dev.corral.cli;

import dev.corral.client.CorralApiException;
import dev.corral.client.CorralClient;
import dev.corral.core.ConflictException;
import dev.corral.core.CorralDirs;
import dev.corral.core.CorralException;
import dev.corral.core.EnvironmentException;
import dev.corral.core.HostPath;
import dev.corral.core.NotFoundException;
import dev.corral.core.SandboxException;
import dev.corral.core.UsageException;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/**
 * Which server a command talks to: {@code --server URL} (or {@code $CORRAL_SERVER}) with the token
 * from {@code --token-file} or {@code $CORRAL_TOKEN}; by default the local server, whose URL and
 * token are in its data directory.
 */
final class ServerOptions {
  @Option(
      names = "--server",
      paramLabel = "URL",
      description =
          "Corral server to use, e.g. http://127.0.0.1:7777 (default: $CORRAL_SERVER, else the local server).")
  @Nullable String server;

  @Option(
      names = "--token-file",
      paramLabel = "FILE",
      description =
          "File holding the bearer token (default: $CORRAL_TOKEN, else the local server's token file).")
  @Nullable Path tokenFile;

  CorralClient client(CliContext ctx) {
    Path local = localData(ctx);
    String url = server != null ? server : ctx.env().get("CORRAL_SERVER");
    if (url == null) {
      Path urlFile = local.resolve("url");
      if (!Files.isRegularFile(urlFile)) {
        throw new EnvironmentException(
            "no local Corral server is running (" + urlFile + " does not exist)",
            "start one with `corral server`, or pass --server URL");
      }
      url = read(urlFile);
    }
    URI uri;
    try {
      uri = URI.create(url.strip());
      if (uri.getScheme() == null || !uri.getScheme().matches("https?") || uri.getHost() == null) {
        throw new IllegalArgumentException("not an http(s) URL");
      }
    } catch (IllegalArgumentException e) {
      throw new UsageException(
          "invalid server URL '" + url + "'", "use e.g. --server http://127.0.0.1:7777");
    }
    return CorralClient.of(uri, token(ctx, local));
  }

  private String token(CliContext ctx, Path local) {
    if (tokenFile != null) {
      return read(tokenFile);
    }
    String env = ctx.env().get("CORRAL_TOKEN");
    if (env != null && !env.isBlank()) {
      return env.strip();
    }
    Path file = local.resolve("token");
    if (!Files.isRegularFile(file)) {
      throw new UsageException(
          "no token for the Corral server",
          "set $CORRAL_TOKEN or pass --token-file FILE (the server's own token: `corral server token`)");
    }
    return read(file);
  }

  static Path localData(CliContext ctx) {
    String home = ctx.env().getOrDefault("HOME", System.getProperty("user.home"));
    return CorralDirs.from(ctx.env(), HostPath.of(home)).serverData().path();
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new UsageException(
          "cannot read " + file + ": " + e.getMessage(), "check that it exists and is readable");
    }
  }

  /** Runs a client call; the server's refusal becomes the matching Corral error. */
  static <T> T call(Supplier<T> call) {
    try {
      return call.get();
    } catch (CorralApiException e) {
      throw translate(e);
    }
  }

  static CorralException translate(CorralApiException e) {
    String detail = e.problem().detail();
    String hint = e.problem().hint();
    return switch (e.status()) {
      case 400, 413, 422 -> new UsageException(detail, hint, e);
      case 401 ->
          new UsageException(
              "the server refused the token: " + detail,
              "check $CORRAL_TOKEN or --token-file; `corral server token` prints the local one");
      case 404 -> new NotFoundException(detail, hint);
      case 409 -> new ConflictException(detail, hint);
      case 0, 503 -> new EnvironmentException(detail, hint, e);
      default -> new SandboxException("the server failed: " + detail, hint, e);
    };
  }
}
