package dev.corral.cli;

/** The output formats of commands with {@code --output}. */
enum Format {
  text,
  json
}
