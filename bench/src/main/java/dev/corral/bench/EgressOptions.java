package dev.corral.bench;

import java.nio.file.Path;

/**
 * Command-line options of {@link EgressBench}.
 *
 * @param repetitions measured downloads per bulk row, after one warm-up round (default 5)
 * @param sizeMib size of the bulk file in MiB (default 1024)
 * @param tunnelSeconds length of one tunnel-rate round per route (default 2)
 * @param tunnelRounds tunnel-rate rounds per route, interleaved; the median counts (default 3)
 * @param clients concurrent client threads in the tunnel-rate rounds (default 4)
 * @param requests sequential small requests per latency row (default 2000)
 * @param audit whether the gateway writes its JSON-lines audit log, as in production (default on;
 *     {@code --no-audit})
 * @param output the markdown file to update (default: {@code ROOT/docs/benchmarks.md})
 * @param write whether to update it ({@code --no-write} turns it off)
 */
record EgressOptions(
    int repetitions,
    int sizeMib,
    int tunnelSeconds,
    int tunnelRounds,
    int clients,
    int requests,
    boolean audit,
    Path output,
    boolean write) {
  static final String USAGE =
      "usage: EgressBench [--repetitions N] [--size-mib N] [--tunnel-seconds N] [--tunnel-rounds N]"
          + " [--clients N] [--requests N] [--no-audit] [--root DIR] [--output FILE] [--no-write]";

  EgressOptions {
    if (repetitions < 1
        || sizeMib < 1
        || tunnelSeconds < 1
        || tunnelSeconds > 60
        || tunnelRounds < 1
        || clients < 1
        || clients > 64
        || requests < 10) {
      throw new IllegalArgumentException(
          "need --repetitions, --size-mib, --tunnel-rounds >= 1, --tunnel-seconds 1..60,"
              + " --clients 1..64, --requests >= 10\n"
              + USAGE);
    }
  }

  static EgressOptions parse(String[] args) {
    int repetitions = 5;
    int sizeMib = 1024;
    int tunnelSeconds = 2;
    int tunnelRounds = 3;
    int clients = 4;
    int requests = 2000;
    boolean audit = true;
    Path root = Path.of("").toAbsolutePath();
    String output = null;
    boolean write = true;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--repetitions" -> repetitions = Integer.parseInt(value(args, ++i));
        case "--size-mib" -> sizeMib = Integer.parseInt(value(args, ++i));
        case "--tunnel-seconds" -> tunnelSeconds = Integer.parseInt(value(args, ++i));
        case "--tunnel-rounds" -> tunnelRounds = Integer.parseInt(value(args, ++i));
        case "--clients" -> clients = Integer.parseInt(value(args, ++i));
        case "--requests" -> requests = Integer.parseInt(value(args, ++i));
        case "--no-audit" -> audit = false;
        case "--root" -> root = Path.of(value(args, ++i)).toAbsolutePath();
        case "--output" -> output = value(args, ++i);
        case "--no-write" -> write = false;
        default -> throw new IllegalArgumentException("unknown option " + args[i] + "\n" + USAGE);
      }
    }
    return new EgressOptions(
        repetitions,
        sizeMib,
        tunnelSeconds,
        tunnelRounds,
        clients,
        requests,
        audit,
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
