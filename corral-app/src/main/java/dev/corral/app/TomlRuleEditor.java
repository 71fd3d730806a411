package dev.corral.app;

import dev.corral.core.ConfigException;
import dev.corral.core.EnvironmentException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.tomlj.Toml;
import org.tomlj.TomlArray;
import org.tomlj.TomlParseResult;
import org.tomlj.TomlPosition;
import org.tomlj.TomlTable;

/**
 * Adds a string to the {@code [network] allow} or {@code deny} array of a configuration file by
 * editing its text, so that everything else (comments, layout, key order) stays as the user wrote
 * it; tomlj can read TOML but not write it. The result must parse to exactly the old document plus
 * the new string and pass the configuration checks, or nothing is written; the file is replaced
 * atomically. Not thread-safe across processes beyond that: a file changed while editing is
 * refused.
 */
final class TomlRuleEditor {
  private TomlRuleEditor() {}

  /**
   * What {@link #add} did.
   *
   * @param after the file's content now
   * @param changed false when the string was already there (nothing was written)
   * @param created whether the file was created
   */
  record Edit(String after, boolean changed, boolean created) {}

  /**
   * Adds {@code value} to {@code [network] key} in {@code file}, creating the file or table when
   * missing.
   *
   * @throws ConfigException when the file is invalid now, or cannot be edited safely
   * @throws EnvironmentException when the file cannot be read or written
   */
  static Edit add(Path file, String key, String value) {
    boolean exists = Files.exists(file);
    String before = exists ? read(file) : "";
    try {
      TomlConfigFile.read(file, before, new ConfigBuilder());
    } catch (ConfigException e) {
      throw new ConfigException(
          "not changing " + file + ", it is invalid: " + e.getMessage(),
          "fix the file first" + e.hint().map(h -> " (" + h + ")").orElse(""),
          e);
    }
    TomlParseResult toml = Toml.parse(before);
    List<Object> values =
        toml.get(List.of("network", key)) instanceof TomlArray a ? plain(a) : List.of();
    if (values.contains(value)) {
      return new Edit(before, false, false);
    }
    String after = insert(file, before, toml, key, quote(value));
    verify(file, toml, after, key, value);
    if (exists && !read(file).equals(before)) {
      throw new ConfigException(
          file + " changed while Corral was editing it; nothing was written", "run it again");
    }
    try {
      AtomicFiles.write(file, after);
    } catch (IOException e) {
      throw new EnvironmentException(
          "cannot write " + file + ": " + e.getMessage(), "check its permissions", e);
    }
    return new Edit(after, true, !exists);
  }

  private static String insert(
      Path file, String text, TomlParseResult toml, String key, String quoted) {
    if (toml.get(List.of("network", key)) instanceof TomlArray) {
      return appendToArray(file, text, position(toml, List.of("network", key)), quoted);
    }
    if (toml.contains(List.of("network"))) {
      TomlPosition at = position(toml, List.of("network"));
      int start = offset(text, at.line(), 1);
      int end = lineEnd(text, start);
      if (!text.substring(start, end).strip().matches("\\[\\s*network\\s*\\]\\s*(#.*)?")) {
        throw cannotEdit(file, key);
      }
      // After the table's last line that says something, before the next table's header.
      int last = end;
      for (int pos = end; pos < text.length(); ) {
        int next = lineEnd(text, pos + 1);
        String line = text.substring(pos + 1, next).strip();
        if (line.startsWith("[")) {
          break;
        }
        if (!line.isEmpty() && !line.startsWith("#")) {
          last = next;
        }
        pos = next;
      }
      String line = key + " = [" + quoted + "]\n";
      return last == text.length()
          ? text + "\n" + line
          : text.substring(0, last + 1) + line + text.substring(last + 1);
    }
    String separator = text.isEmpty() ? "" : text.endsWith("\n") ? "\n" : "\n\n";
    return text + separator + "[network]\n" + key + " = [" + quoted + "]\n";
  }

  /** Inserts {@code quoted} after the last element of the array whose key is at {@code at}. */
  private static String appendToArray(Path file, String text, TomlPosition at, String quoted) {
    int open = text.indexOf('[', text.indexOf('=', offset(text, at.line(), at.column())));
    if (open < 0) {
      throw cannotEdit(file, "");
    }
    int lastEnd = -1;
    boolean commaAfter = false;
    int close = -1;
    for (int i = open + 1; i < text.length() && close < 0; i++) {
      char c = text.charAt(i);
      switch (c) {
        case '#' -> i = lineEnd(text, i) - 1;
        case '"', '\'' -> {
          i = skipString(text, i) - 1;
          lastEnd = i + 1;
          commaAfter = false;
        }
        case ',' -> commaAfter = true;
        case ']' -> close = i;
        default -> {}
      }
    }
    if (close < 0) {
      throw cannotEdit(file, "");
    }
    if (lastEnd < 0) {
      return text.substring(0, open + 1) + quoted + text.substring(open + 1);
    }
    int end = lineEnd(text, lastEnd);
    if (end >= close || end == text.length()) {
      // One line, or the closing bracket shares the last element's line.
      return text.substring(0, lastEnd) + ", " + quoted + text.substring(lastEnd);
    }
    int lineStart = text.lastIndexOf('\n', lastEnd) + 1;
    int indentEnd = lineStart;
    while (text.charAt(indentEnd) == ' ' || text.charAt(indentEnd) == '\t') {
      indentEnd++;
    }
    String indent = text.substring(lineStart, indentEnd);
    String before = commaAfter ? text.substring(0, end + 1) : insertComma(text, lastEnd, end);
    return before + indent + quoted + (commaAfter ? ",\n" : "\n") + text.substring(end + 1);
  }

  private static String insertComma(String text, int at, int lineEnd) {
    return text.substring(0, at) + "," + text.substring(at, lineEnd + 1);
  }

  /** The index after the string starting at {@code i} (basic, literal, or multi-line). */
  private static int skipString(String text, int i) {
    char q = text.charAt(i);
    String triple = String.valueOf(q).repeat(3);
    if (text.startsWith(triple, i)) {
      int from = i + 3;
      while (true) {
        int k = text.indexOf(triple, from);
        if (k < 0) {
          return text.length();
        }
        if (q == '"' && escaped(text, k)) {
          from = k + 1;
          continue;
        }
        int end = k + 3;
        // Up to two quotes right before the closing delimiter belong to the string.
        while (end < text.length() && text.charAt(end) == q && end - k < 5) {
          end++;
        }
        return end;
      }
    }
    for (int j = i + 1; j < text.length(); j++) {
      char c = text.charAt(j);
      if (q == '"' && c == '\\') {
        j++;
      } else if (c == q) {
        return j + 1;
      }
    }
    return text.length();
  }

  private static boolean escaped(String text, int at) {
    int backslashes = 0;
    for (int j = at - 1; j >= 0 && text.charAt(j) == '\\'; j--) {
      backslashes++;
    }
    return backslashes % 2 == 1;
  }

  /** The result must be the old document plus the value, and a valid configuration. */
  private static void verify(
      Path file, TomlParseResult old, String after, String key, String value) {
    TomlParseResult edited = Toml.parse(after);
    Map<String, Object> expected = plain(old);
    @SuppressWarnings("unchecked")
    Map<String, Object> network =
        (Map<String, Object>) expected.computeIfAbsent("network", k -> new LinkedHashMap<>());
    List<Object> values = new ArrayList<>();
    if (network.get(key) instanceof List<?> list) {
      values.addAll(list);
    }
    values.add(value);
    network.put(key, values);
    if (edited.hasErrors() || !plain(edited).equals(expected)) {
      throw cannotEdit(file, key);
    }
    TomlConfigFile.read(file, after, new ConfigBuilder());
  }

  private static Map<String, Object> plain(TomlTable table) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (String k : table.keySet()) {
      map.put(k, plain(table.get(List.of(k))));
    }
    return map;
  }

  private static List<Object> plain(TomlArray array) {
    List<Object> list = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      list.add(plain(array.get(i)));
    }
    return list;
  }

  private static Object plain(@Nullable Object value) {
    return switch (value) {
      case TomlTable t -> plain(t);
      case TomlArray a -> plain(a);
      case null -> "";
      default -> value;
    };
  }

  private static ConfigException cannotEdit(Path file, String key) {
    return new ConfigException(
        "cannot add the rule to " + file + " safely: its [network] table has an unusual layout",
        "add it to the [network] " + (key.isEmpty() ? "" : key + " ") + "array yourself");
  }

  private static TomlPosition position(TomlParseResult toml, List<String> path) {
    TomlPosition at = toml.inputPositionOf(path);
    if (at == null) {
      throw new IllegalStateException("tomlj knows no position of " + path);
    }
    return at;
  }

  /** The offset of 1-based {@code line} and {@code column}. */
  private static int offset(String text, int line, int column) {
    int at = 0;
    for (int l = 1; l < line; l++) {
      at = text.indexOf('\n', at) + 1;
    }
    return Math.min(at + column - 1, text.length());
  }

  /** The index of the newline ending the line at {@code i}, or the text's length. */
  private static int lineEnd(String text, int i) {
    int end = text.indexOf('\n', i);
    return end < 0 ? text.length() : end;
  }

  /** A TOML basic string. */
  static String quote(String value) {
    StringBuilder out = new StringBuilder("\"");
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        default -> {
          if (c < 0x20 || c == 0x7f) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new EnvironmentException(
          "cannot read " + file + ": " + e.getMessage(), "check its permissions", e);
    }
  }
}
