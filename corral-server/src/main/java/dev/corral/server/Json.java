package dev.corral.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.corral.core.UsageException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.stream.Collectors;

/**
 * JSON in and out of the API. Strict on input: unknown fields, trailing garbage and nulls for
 * numbers are errors, and every error names the field.
 */
final class Json {
  static final ObjectMapper MAPPER =
      new ObjectMapper()
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS);

  private Json() {}

  /** Reads a request body as {@code type}; a {@link UsageException} (400) names what is wrong. */
  static <T> T read(byte[] body, Class<T> type) {
    if (body.length == 0) {
      throw new UsageException(
          "the request body is empty", "send a JSON object (Content-Type: application/json)");
    }
    try {
      return MAPPER.readValue(body, type);
    } catch (UnrecognizedPropertyException e) {
      throw new UsageException(
          "unknown field '" + e.getPropertyName() + "' in the request body",
          "known fields: "
              + e.getKnownPropertyIds().stream()
                  .map(Object::toString)
                  .sorted()
                  .collect(Collectors.joining(", ")));
    } catch (JsonMappingException e) {
      String field =
          e.getPath().stream()
              .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
              .collect(Collectors.joining("."));
      throw new UsageException(
          (field.isEmpty() ? "invalid request body" : "invalid value for field '" + field + "'")
              + ": "
              + e.getOriginalMessage().lines().findFirst().orElse(""),
          null);
    } catch (JsonProcessingException e) {
      throw new UsageException(
          "the request body is not valid JSON: "
              + e.getOriginalMessage().lines().findFirst().orElse(""),
          "send a JSON object");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] write(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write " + value.getClass().getSimpleName(), e);
    }
  }
}
