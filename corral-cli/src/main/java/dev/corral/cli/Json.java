package dev.corral.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.corral.core.EgressAdmin;
import java.util.List;
import picocli.CommandLine;

/** JSON output of the policy commands, and the warnings every command prints the same way. */
final class Json {
  static final ObjectMapper MAPPER = new ObjectMapper();

  private Json() {}

  static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  static ObjectNode rule(EgressAdmin.Rule rule) {
    ObjectNode node = object().put("action", rule.action().word()).put("rule", rule.text());
    node.put("origin", rule.origin());
    rule.covers().ifPresent(c -> node.put("covers", c));
    return node;
  }

  static String pretty(Object node) {
    try {
      return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(node) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
  }

  /** One line of JSON (for streams: one value per line). */
  static String compact(Object node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
  }

  /** Prints each configuration warning as {@code corral: WARNING} on standard error. */
  static void warn(List<String> warnings, CommandLine cl) {
    warnings.forEach(w -> cl.getErr().println("corral: " + w));
    cl.getErr().flush();
  }
}
