package dev.corral.egress;

import dev.corral.core.EgressDecision;
import dev.corral.core.EgressRecord;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;

/** Test doubles of the gateway's ports: loopback-only names, a guard, a policy, an audit sink. */
final class Doubles {
  private Doubles() {}

  static final InetAddress HTTP_UPSTREAM = literal("127.0.0.2");
  static final InetAddress TLS_UPSTREAM = literal("127.0.0.3");

  /** Maps the test names to this machine's addresses; nothing else resolves. */
  static Resolver resolver() {
    Map<String, InetAddress> names =
        Map.of(
            "allowed.test", HTTP_UPSTREAM,
            "denied.test", HTTP_UPSTREAM,
            "other.test", HTTP_UPSTREAM,
            "tls.test", TLS_UPSTREAM,
            "fronted.test", TLS_UPSTREAM,
            "loopback.test", literal("127.0.0.1"),
            "meta.test", literal("169.254.169.254"));
    return host -> {
      InetAddress address = names.get(host);
      if (address != null) {
        return List.of(address);
      }
      if (host.matches("[0-9.]+") || host.contains(":")) {
        return List.of(literal(host));
      }
      throw new UnknownHostException(host);
    };
  }

  /** Refuses loopback (but the test upstreams) and link-local addresses. */
  static AddressGuard guard() {
    Set<InetAddress> upstreams = Set.of(HTTP_UPSTREAM, TLS_UPSTREAM);
    return (address, privateTargets) -> {
      if (upstreams.contains(address) || privateTargets) {
        return Optional.empty();
      }
      if (address.isLoopbackAddress()) {
        return Optional.of("a loopback address");
      }
      if (address.isLinkLocalAddress()) {
        return Optional.of("a link-local address (cloud metadata)");
      }
      return Optional.empty();
    };
  }

  /** Allows the named hosts on any port; everything else falls to default deny. */
  static Policy allowing(String... hosts) {
    Set<String> allowed = Set.of(hosts);
    return request ->
        allowed.contains(request.host())
            ? new EgressDecision.Allowed("allow " + request.host(), false)
            : new EgressDecision.Denied("default deny", "no rule allows " + request.host());
  }

  /** Collects records in memory; {@link #await} waits for a count. */
  static final class Recorder implements AuditSink {
    private final ConcurrentLinkedQueue<EgressRecord> records = new ConcurrentLinkedQueue<>();

    @Override
    public void record(EgressRecord record) {
      records.add(record);
    }

    List<EgressRecord> await(int count) throws InterruptedException {
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (records.size() < count && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      return new ArrayList<>(records);
    }
  }

  static InetAddress literal(String ip) {
    return InetAddress.ofLiteral(ip);
  }
}
