package dev.corral.egress;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Decides whether the gateway may dial a resolved address. The gateway resolves names itself and
 * vets every address before it connects, so that an allowed name cannot be pointed (by DNS or a
 * hosts entry) at the host's own services, the local network or a cloud metadata endpoint.
 *
 * <p>Refused unless the deciding rule allows private targets: loopback, unspecified, RFC 1918,
 * unique-local (fc00::/7), link-local, CGNAT (100.64/10), multicast, broadcast and the reserved,
 * documentation and benchmarking ranges. Cloud metadata addresses (169.254.169.254, 169.254.170.2,
 * fd00:ec2::254, 100.100.100.200, 192.0.0.192) are refused <em>always</em>, even when private
 * targets are allowed: they hand out the host's cloud credentials. IPv6 forms that embed an IPv4
 * address (IPv4-mapped {@code ::ffff:a.b.c.d}, IPv4-compatible {@code ::a.b.c.d}, NAT64 {@code
 * 64:ff9b::/96}, 6to4 {@code 2002::/16}) are judged by the embedded address.
 *
 * <p>Stateless and thread-safe.
 */
public final class AddressCheck {

  /** A CIDR block and what it is, for the refusal message. */
  private static final class Range {
    private final byte[] network;
    private final int prefix;
    private final String reason;

    Range(byte[] network, int prefix, String reason) {
      this.network = network;
      this.prefix = prefix;
      this.reason = reason;
    }

    boolean contains(byte[] address) {
      if (address.length != network.length) {
        return false;
      }
      int full = prefix / 8;
      if (!Arrays.equals(address, 0, full, network, 0, full)) {
        return false;
      }
      int rest = prefix % 8;
      if (rest == 0) {
        return true;
      }
      int mask = (0xff << (8 - rest)) & 0xff;
      return (address[full] & mask) == (network[full] & mask);
    }
  }

  private static final List<Range> METADATA =
      List.of(
          range("169.254.169.254/32", "a cloud metadata address (AWS, GCP, Azure)"),
          range("169.254.170.2/32", "a cloud metadata address (AWS ECS task credentials)"),
          range("fd00:ec2::254/128", "a cloud metadata address (AWS IMDS over IPv6)"),
          range("100.100.100.200/32", "a cloud metadata address (Alibaba Cloud)"),
          range("192.0.0.192/32", "a cloud metadata address (Oracle Cloud)"));

  private static final List<Range> PRIVATE =
      List.of(
          range("0.0.0.0/8", "an unspecified (\"this network\") address"),
          range("10.0.0.0/8", "a private address (RFC 1918)"),
          range("100.64.0.0/10", "a carrier-grade NAT address (RFC 6598)"),
          range("127.0.0.0/8", "a loopback address"),
          range("169.254.0.0/16", "a link-local address"),
          range("172.16.0.0/12", "a private address (RFC 1918)"),
          range("192.0.0.0/24", "a reserved address (IETF protocol assignments)"),
          range("192.0.2.0/24", "a documentation address (TEST-NET-1)"),
          range("192.88.99.0/24", "a reserved address (6to4 relay anycast)"),
          range("192.168.0.0/16", "a private address (RFC 1918)"),
          range("198.18.0.0/15", "a benchmarking address (RFC 2544)"),
          range("198.51.100.0/24", "a documentation address (TEST-NET-2)"),
          range("203.0.113.0/24", "a documentation address (TEST-NET-3)"),
          range("224.0.0.0/4", "a multicast address"),
          range("255.255.255.255/32", "the broadcast address"),
          range("240.0.0.0/4", "a reserved address (240/4)"),
          range("::/128", "the unspecified address"),
          range("::1/128", "a loopback address"),
          range("100::/64", "a discard-only address (RFC 6666)"),
          range("2001:db8::/32", "a documentation address"),
          range("fc00::/7", "a unique-local address (fc00::/7)"),
          range("fe80::/10", "a link-local address"),
          range("fec0::/10", "a site-local address (deprecated)"),
          range("ff00::/8", "a multicast address"));

  private AddressCheck() {}

  /**
   * Why {@code address} may not be dialled by a rule that does not allow private targets.
   *
   * @return the reason, e.g. {@code "127.0.0.1 is a loopback address"}; empty for a public address
   */
  public static Optional<String> refusal(InetAddress address) {
    return refusal(address, false);
  }

  /**
   * Why {@code address} may not be dialled under a rule that does ({@code privateTargets}) or does
   * not allow private targets. Metadata addresses are refused in both cases.
   */
  public static Optional<String> refusal(InetAddress address, boolean privateTargets) {
    byte[] judged = embeddedIpv4(address).orElse(address.getAddress());
    String shown = address.getHostAddress();
    String via =
        judged.length == address.getAddress().length ? "" : " (embeds " + text(judged) + ")";
    for (Range range : METADATA) {
      if (range.contains(judged)) {
        return Optional.of(
            shown + via + " is " + range.reason + ", never reachable from a sandbox");
      }
    }
    if (privateTargets) {
      return Optional.empty();
    }
    for (Range range : PRIVATE) {
      if (range.contains(judged)) {
        return Optional.of(shown + via + " is " + range.reason);
      }
    }
    return Optional.empty();
  }

  /** Whether {@code address} (or the IPv4 address it embeds) is a cloud metadata address. */
  public static boolean isMetadata(InetAddress address) {
    byte[] judged = embeddedIpv4(address).orElse(address.getAddress());
    return METADATA.stream().anyMatch(r -> r.contains(judged));
  }

  /** The IPv4 address an IPv6 address carries in one of the well-known embeddings, if any. */
  static Optional<byte[]> embeddedIpv4(InetAddress address) {
    if (!(address instanceof Inet6Address)) {
      return Optional.empty();
    }
    byte[] a = address.getAddress();
    if (zero(a, 0, 10) && (a[10] & 0xff) == 0xff && (a[11] & 0xff) == 0xff) {
      return Optional.of(Arrays.copyOfRange(a, 12, 16)); // IPv4-mapped ::ffff:0:0/96
    }
    if (zero(a, 0, 12) && !(zero(a, 12, 15) && (a[15] == 0 || a[15] == 1))) {
      return Optional.of(Arrays.copyOfRange(a, 12, 16)); // IPv4-compatible ::/96, not :: or ::1
    }
    if (a[0] == 0
        && a[1] == 0x64
        && (a[2] & 0xff) == 0xff
        && (a[3] & 0xff) == 0x9b
        && zero(a, 4, 12)) {
      return Optional.of(Arrays.copyOfRange(a, 12, 16)); // NAT64 well-known prefix 64:ff9b::/96
    }
    if (a[0] == 0x20 && a[1] == 0x02) {
      return Optional.of(Arrays.copyOfRange(a, 2, 6)); // 6to4 2002::/16
    }
    return Optional.empty();
  }

  private static boolean zero(byte[] bytes, int from, int to) {
    for (int i = from; i < to; i++) {
      if (bytes[i] != 0) {
        return false;
      }
    }
    return true;
  }

  private static String text(byte[] address) {
    try {
      return InetAddress.getByAddress(address).getHostAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("not an address: " + Arrays.toString(address), e);
    }
  }

  private static Range range(String cidr, String reason) {
    int slash = cidr.indexOf('/');
    byte[] bytes = InetAddress.ofLiteral(cidr.substring(0, slash)).getAddress();
    return new Range(bytes, Integer.parseInt(cidr.substring(slash + 1)), reason);
  }
}
