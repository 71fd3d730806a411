package dev.corral.cli;

import picocli.CommandLine.Option;

/** The shared {@code --output text|json} option of listing and reporting commands. */
final class OutputOption {
  @Option(
      names = "--output",
      paramLabel = "FORMAT",
      description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  Format format = Format.text;
}
