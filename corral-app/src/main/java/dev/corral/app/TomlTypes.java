package dev.corral.app;

import org.jspecify.annotations.Nullable;
import org.tomlj.TomlArray;
import org.tomlj.TomlTable;

/** Names TOML value types the way the TOML specification does, for error messages. */
final class TomlTypes {
  private TomlTypes() {}

  static String describe(@Nullable Object value) {
    return switch (value) {
      case null -> "nothing";
      case String s -> "a string";
      case Long n -> "an integer";
      case Double d -> "a float";
      case Boolean b -> "a boolean";
      case TomlArray a -> "an array";
      case TomlTable t -> "a table";
      default -> "a date or time";
    };
  }
}
