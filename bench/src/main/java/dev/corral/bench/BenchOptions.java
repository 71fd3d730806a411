package dev.corral.bench;

import java.nio.file.Path;

/**
 * Command-line options of {@link StartupBench}.
 *
 * @param iterations measured runs per scenario (default 30)
 * @param warmup unmeasured runs per scenario first (default 5)
 * @param root the Corral checkout (default: the working directory)
 * @param corral the launcher to time (default: {@code ROOT/corral})
 * @param output the markdown file to update (default: {@code ROOT/docs/benchmarks.md})
 * @param write whether to update it ({@code --no-write} turns it off)
 */
record BenchOptions(
    int iterations, int warmup, Path root, Path corral, Path output, boolean write) {
  static final String USAGE =
      "usage: StartupBench [--iterations N] [--warmup N] [--root DIR] [--corral PATH]"
          + " [--output FILE] [--no-write]";

  BenchOptions {
    if (iterations < 1 || warmup < 0) {
      throw new IllegalArgumentException("need --iterations >= 1 and --warmup >= 0\n" + USAGE);
    }
  }

  /** The app jar the launcher runs; rows (c) and (d) need it. */
  Path jar() {
    return root.resolve("corral-app/target/corral.jar");
  }

  static BenchOptions parse(String[] args) {
    int iterations = 30;
    int warmup = 5;
    Path root = Path.of("").toAbsolutePath();
    String corral = null;
    String output = null;
    boolean write = true;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--iterations" -> iterations = Integer.parseInt(value(args, ++i));
        case "--warmup" -> warmup = Integer.parseInt(value(args, ++i));
        case "--root" -> root = Path.of(value(args, ++i)).toAbsolutePath();
        case "--corral" -> corral = value(args, ++i);
        case "--output" -> output = value(args, ++i);
        case "--no-write" -> write = false;
        default -> throw new IllegalArgumentException("unknown option " + args[i] + "\n" + USAGE);
      }
    }
    return new BenchOptions(
        iterations,
        warmup,
        root,
        corral == null ? root.resolve("corral") : Path.of(corral).toAbsolutePath(),
        output == null ? root.resolve("docs/benchmarks.md") : Path.of(output).toAbsolutePath(),
        write);
  }

  private static String value(String[] args, int i) {
    if (i >= args.length) {
      throw new IllegalArgumentException(args[i - 1] + " needs a value\n" + USAGE);
    }
    return args[i];
  }
}
