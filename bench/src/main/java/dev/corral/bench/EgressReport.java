package dev.corral.bench;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Renders the egress tables with the goals of the design (§6): gateway throughput ≥ 80 % of direct
 * and ≥ 3× tinyproxy and squid, tunnel rate ≥ 2× tinyproxy, p99 added latency ≤ 1 ms.
 */
final class EgressReport {
  static final String BEGIN = "<!-- bench:egress:begin (written by bench/run-egress) -->";
  static final String END = "<!-- bench:egress:end -->";
  private static final double ADDED_P99_GOAL_NANOS = 1_000_000;

  private final List<Series> throughput;
  private final List<Series> tunnels;
  private final List<Series> latency;

  EgressReport(List<Series> throughput, List<Series> tunnels, List<Series> latency) {
    this.throughput = List.copyOf(throughput);
    this.tunnels = List.copyOf(tunnels);
    this.latency = List.copyOf(latency);
  }

  String markdown(String machine, String setup, EgressOptions options, String transport) {
    StringBuilder md = new StringBuilder();
    md.append("Machine: ").append(machine).append("  \n");
    md.append("Upstream and anchors: ").append(setup).append("  \n");
    md.append("Gateway: in the bench JVM, Netty ")
        .append(transport)
        .append(" transport, ")
        .append(options.audit() ? "JSON-lines audit on" : "audit off")
        .append(", warmed up with 3000 small requests; clients ask it for `bench.test`")
        .append(" (resolver override to 127.0.0.2, rule `private:bench.test:PORT`), the anchors")
        .append(" for 127.0.0.2. Everything on loopback.\n\n");

    md.append(
        String.format(
            Locale.ROOT,
            "**Bulk download** of the %d MiB file with `curl -o /dev/null` (`%%{speed_download}`,"
                + " GB = 10⁹ bytes): median of %d after one warm-up round, rows interleaved."
                + " CONNECT rows tunnel plain HTTP (`curl -p -x`) unless marked HTTPS.%n%n",
            options.sizeMib(),
            options.repetitions()));
    md.append("| | route | median | min | max | × direct | × tinyproxy | × squid | goal |\n");
    md.append("|---|---|---:|---:|---:|---:|---:|---:|---|\n");
    for (Series s : throughput) {
      md.append(throughputRow(s)).append('\n');
    }

    md.append(
        String.format(
            Locale.ROOT,
            "%n**New tunnels per second**: %d client threads in a separate JVM (the same for every"
                + " route, after 0.5 s of uncounted warm-up), each opening a connection, CONNECT,"
                + " `GET` of the small file with `Connection: close`, read to the end, close;"
                + " %d rounds of %d s per route, interleaved, median (the direct row skips the"
                + " CONNECT).%n%n",
            options.clients(),
            options.tunnelRounds(),
            options.tunnelSeconds()));
    md.append("| | route | tunnels/s | min | max | × tinyproxy | × squid | goal |\n");
    md.append("|---|---|---:|---:|---:|---:|---:|---|\n");
    for (Series s : tunnels) {
      md.append(tunnelRow(s)).append('\n');
    }

    md.append(
        String.format(
            Locale.ROOT,
            "%n**Latency of small requests**: %d sequential requests per route (after 200"
                + " warm-up), each on a new connection with `Connection: close`, from connect to"
                + " the end of the response, interleaved in blocks of 100; added = route − direct"
                + " at the same percentile.%n%n",
            options.requests()));
    md.append("| | route | p50 | p90 | p99 | added p50 | added p99 | goal |\n");
    md.append("|---|---|---:|---:|---:|---:|---:|---|\n");
    for (Series s : latency) {
      md.append(latencyRow(s)).append('\n');
    }
    return md.toString();
  }

  private String throughputRow(Series s) {
    Optional<String> failure = s.failure();
    if (failure.isPresent()) {
      return skipped(s, 7, failure.get());
    }
    boolean tls = s.key().endsWith("-tls");
    Optional<Series> direct = find(throughput, tls ? "d-tls" : "d");
    String suffix = s.key().contains("connect") ? "-connect" : "-http";
    Optional<Series> tiny = tls ? Optional.empty() : find(throughput, "t" + suffix);
    Optional<Series> squid = tls ? Optional.empty() : find(throughput, "s" + suffix);
    return String.format(
        Locale.ROOT,
        "| %s | %s | %s | %s | %s | %s | %s | %s | %s |",
        s.key(),
        s.label(),
        gbps(s.median()),
        gbps(s.min()),
        gbps(s.max()),
        ratio(s, direct),
        ratio(s, tiny),
        ratio(s, squid),
        throughputGoal(s, direct, tiny, squid));
  }

  private static String throughputGoal(
      Series s, Optional<Series> direct, Optional<Series> tiny, Optional<Series> squid) {
    if (!s.key().startsWith("g")) {
      return "anchor";
    }
    StringBuilder goal = new StringBuilder("≥ 80 ").append('%').append(" of direct: ");
    goal.append(verdict(direct, d -> s.median() >= 0.8 * d.median()));
    if (!s.key().endsWith("-tls")) {
      goal.append("; ≥ 3× tinyproxy: ").append(verdict(tiny, t -> s.median() >= 3 * t.median()));
      goal.append("; ≥ 3× squid: ").append(verdict(squid, q -> s.median() >= 3 * q.median()));
    }
    return goal.toString();
  }

  private String tunnelRow(Series s) {
    Optional<String> failure = s.failure();
    if (failure.isPresent()) {
      return skipped(s, 6, failure.get());
    }
    Optional<Series> tiny = find(tunnels, "t-connect");
    Optional<Series> squid = find(tunnels, "s-connect");
    String goal =
        s.key().startsWith("g")
            ? "≥ 2× tinyproxy: " + verdict(tiny, t -> s.median() >= 2 * t.median())
            : s.key().equals("d") ? "reference (no proxy)" : "anchor";
    return String.format(
        Locale.ROOT,
        "| %s | %s | %.0f | %.0f | %.0f | %s | %s | %s |",
        s.key(),
        s.label(),
        s.median(),
        s.min(),
        s.max(),
        ratio(s, tiny),
        ratio(s, squid),
        goal);
  }

  private String latencyRow(Series s) {
    Optional<String> failure = s.failure();
    if (failure.isPresent()) {
      return skipped(s, 6, failure.get());
    }
    Optional<Series> direct = find(latency, "d");
    boolean isDirect = s.key().equals("d");
    String added50 =
        isDirect ? "—" : direct.map(d -> micros(s.percentile(50) - d.percentile(50))).orElse("—");
    String added99 =
        isDirect ? "—" : direct.map(d -> micros(s.percentile(99) - d.percentile(99))).orElse("—");
    String goal =
        isDirect
            ? "reference"
            : s.key().startsWith("g")
                ? "added p99 ≤ 1 ms: "
                    + verdict(
                        direct, d -> s.percentile(99) - d.percentile(99) <= ADDED_P99_GOAL_NANOS)
                : "anchor";
    return String.format(
        Locale.ROOT,
        "| %s | %s | %s | %s | %s | %s | %s | %s |",
        s.key(),
        s.label(),
        micros(s.percentile(50)),
        micros(s.percentile(90)),
        micros(s.percentile(99)),
        added50,
        added99,
        goal);
  }

  private static String skipped(Series s, int empty, String why) {
    StringBuilder row = new StringBuilder("| " + s.key() + " | " + s.label() + " |");
    for (int i = 0; i < empty; i++) {
      row.append(" — |");
    }
    return row.append(" failed: ")
        .append(why.replace('|', '/').replace('\n', ' '))
        .append(" |")
        .toString();
  }

  private static Optional<Series> find(List<Series> rows, String key) {
    return rows.stream().filter(s -> s.key().equals(key) && s.failure().isEmpty()).findFirst();
  }

  private static String ratio(Series s, Optional<Series> base) {
    return base.filter(b -> b != s)
        .map(b -> String.format(Locale.ROOT, "%.2f×", s.median() / b.median()))
        .orElse("—");
  }

  private static String verdict(Optional<Series> base, java.util.function.Predicate<Series> ok) {
    return base.map(b -> ok.test(b) ? "**pass**" : "**FAIL**").orElse("n/a");
  }

  private static String gbps(double bytesPerSecond) {
    return String.format(Locale.ROOT, "%.2f GB/s", bytesPerSecond / 1e9);
  }

  private static String micros(double nanos) {
    return String.format(Locale.ROOT, "%.0f µs", nanos / 1e3);
  }
}
