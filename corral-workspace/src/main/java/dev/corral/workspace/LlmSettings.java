package dev.corral.workspace;

import dev.corral.core.ConfigException;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Where the optional LLM reviewer lives. Configured in the {@code [review.llm]} table; the API key
 * is read on the host when the review runs, from an environment variable or a file, and is never
 * put into a sandbox.
 *
 * @param api the wire protocol of {@code url}
 * @param url the full endpoint URL (e.g. {@code https://api.anthropic.com/v1/messages})
 * @param model the model name sent with each request
 * @param key where the API key comes from
 * @param maxDiffBytes how much of the diff is sent at most (default 200 000 bytes)
 * @param timeout how long to wait for the answer (default 120 s)
 */
public record LlmSettings(
    Api api, URI url, String model, KeySource key, int maxDiffBytes, Duration timeout) {

  /** The two request formats Corral speaks. */
  public enum Api {
    /** Anthropic Messages ({@code POST /v1/messages}, {@code x-api-key}). */
    ANTHROPIC,
    /** OpenAI-compatible chat completions ({@code POST /v1/chat/completions}, bearer key). */
    OPENAI
  }

  /** Where the API key is read from, on the host. */
  public sealed interface KeySource {
    /** The key in an environment variable of the Corral process. */
    record EnvVar(String name) implements KeySource {}

    /** The key in a file (surrounding whitespace ignored). */
    record KeyFile(Path file) implements KeySource {}
  }

  public LlmSettings {
    Objects.requireNonNull(api, "api");
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(key, "key");
    if (maxDiffBytes < 1) {
      throw new IllegalArgumentException("maxDiffBytes must be positive");
    }
  }

  /**
   * Settings from configuration values, each validated.
   *
   * @throws ConfigException naming the {@code review.llm} key that is wrong
   */
  public static LlmSettings of(
      String api, String url, String model, String keyEnv, String keyFile) {
    Api parsedApi =
        switch (api.toLowerCase(Locale.ROOT)) {
          case "anthropic" -> Api.ANTHROPIC;
          case "openai" -> Api.OPENAI;
          default ->
              throw new ConfigException(
                  "review.llm.api: unknown API '" + api + "'",
                  "write api = \"anthropic\" or api = \"openai\"");
        };
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new ConfigException(
          "review.llm.url: not a URL: '" + url + "'",
          "write the full endpoint, e.g. url = \"https://api.anthropic.com/v1/messages\"");
    }
    if ((!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme()))
        || uri.getHost() == null) {
      throw new ConfigException(
          "review.llm.url: '" + url + "' is not an http(s) URL with a host",
          "write the full endpoint, e.g. url = \"https://api.openai.com/v1/chat/completions\"");
    }
    if (model.isBlank()) {
      throw new ConfigException(
          "review.llm.model is empty", "name the model, e.g. model = \"claude-sonnet-4-5\"");
    }
    KeySource source;
    if (!keyEnv.isBlank() && keyFile.isBlank()) {
      source = new KeySource.EnvVar(keyEnv);
    } else if (keyEnv.isBlank() && !keyFile.isBlank()) {
      source = new KeySource.KeyFile(Path.of(keyFile));
    } else {
      throw new ConfigException(
          "review.llm: set exactly one of key_env and key_file",
          "e.g. key_env = \"ANTHROPIC_API_KEY\"");
    }
    return new LlmSettings(parsedApi, uri, model, source, 200_000, Duration.ofMinutes(2));
  }

  /**
   * The API key, read now on the host.
   *
   * @throws ConfigException when the variable is unset or the file unreadable
   */
  String resolveKey(Map<String, String> env) {
    return switch (key) {
      case KeySource.EnvVar(String name) -> {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
          throw new ConfigException(
              "review.llm.key_env: environment variable " + name + " is not set",
              "export " + name + "=<your API key>, or remove [review.llm] to skip the LLM review");
        }
        yield value.strip();
      }
      case KeySource.KeyFile(Path file) -> {
        try {
          String value = Files.readString(file, StandardCharsets.UTF_8).strip();
          if (value.isEmpty()) {
            throw new ConfigException(
                "review.llm.key_file: " + file + " is empty", "put the API key into " + file);
          }
          yield value;
        } catch (IOException e) {
          throw new ConfigException(
              "review.llm.key_file: cannot read " + file + ": " + e.getMessage(),
              "check the path and its permissions",
              e);
        }
      }
    };
  }
}
