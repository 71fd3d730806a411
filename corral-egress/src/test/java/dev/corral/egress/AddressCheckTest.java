package dev.corral.egress;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class AddressCheckTest {

  @ParameterizedTest(name = "{0} is {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "127.0.0.1       | a loopback address",
        "127.255.255.254 | a loopback address",
        "::1             | a loopback address",
        "0.0.0.0         | an unspecified (\"this network\") address",
        "0.1.2.3         | an unspecified (\"this network\") address",
        "::              | the unspecified address",
        "10.0.0.1        | a private address (RFC 1918)",
        "172.16.0.1      | a private address (RFC 1918)",
        "172.31.255.255  | a private address (RFC 1918)",
        "192.168.1.1     | a private address (RFC 1918)",
        "fc00::1         | a unique-local address (fc00::/7)",
        "fd12:3456::1    | a unique-local address (fc00::/7)",
        "169.254.1.1     | a link-local address",
        "fe80::1         | a link-local address",
        "febf::1         | a link-local address",
        "100.64.0.1      | a carrier-grade NAT address (RFC 6598)",
        "100.127.255.255 | a carrier-grade NAT address (RFC 6598)",
        "224.0.0.1       | a multicast address",
        "239.255.255.250 | a multicast address",
        "ff02::1         | a multicast address",
        "255.255.255.255 | the broadcast address",
        "240.0.0.1       | a reserved address (240/4)",
        "192.0.2.1       | a documentation address (TEST-NET-1)",
        "2001:db8::1     | a documentation address",
        "198.18.0.1      | a benchmarking address (RFC 2544)",
      })
  void refusesNonPublicAddresses(String literal, String what) {
    InetAddress address = InetAddress.ofLiteral(literal);

    assertThat(AddressCheck.refusal(address)).contains(address.getHostAddress() + " is " + what);
    assertThat(AddressCheck.refusal(address, true)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "1.1.1.1",
        "8.8.8.8",
        "100.63.255.255",
        "100.128.0.0",
        "172.15.255.255",
        "172.32.0.0",
        "169.253.255.255",
        "223.255.255.255",
        "2606:4700:4700::1111",
        "2a00:1450:4001::1"
      })
  void acceptsPublicAddresses(String literal) {
    assertThat(AddressCheck.refusal(InetAddress.ofLiteral(literal))).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "169.254.169.254",
        "169.254.170.2",
        "fd00:ec2::254",
        "100.100.100.200",
        "192.0.0.192",
        "::ffff:169.254.169.254",
        "64:ff9b::a9fe:a9fe"
      })
  void refusesMetadataAddressesEvenWhenPrivateTargetsAreAllowed(String literal) throws Exception {
    InetAddress address = v6Preserving(literal);

    assertThat(AddressCheck.isMetadata(address)).isTrue();
    assertThat(AddressCheck.refusal(address, true))
        .hasValueSatisfying(r -> assertThat(r).contains("cloud metadata address"));
    assertThat(AddressCheck.refusal(address, false))
        .hasValueSatisfying(r -> assertThat(r).endsWith("never reachable from a sandbox"));
  }

  @ParameterizedTest(name = "{0} embeds {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "::ffff:127.0.0.1   | 127.0.0.1  | a loopback address",
        "::ffff:10.1.2.3    | 10.1.2.3   | a private address (RFC 1918)",
        "::127.0.0.1        | 127.0.0.1  | a loopback address",
        "64:ff9b::7f00:1    | 127.0.0.1  | a loopback address",
        "64:ff9b::c0a8:101  | 192.168.1.1| a private address (RFC 1918)",
        "2002:7f00:1::1     | 127.0.0.1  | a loopback address",
        "2002:a00:1::       | 10.0.0.1   | a private address (RFC 1918)",
      })
  void judgesIpv6FormsByTheIpv4AddressTheyEmbed(String literal, String embedded, String what)
      throws Exception {
    InetAddress address = v6Preserving(literal);

    assertThat(AddressCheck.refusal(address))
        .contains(address.getHostAddress() + " (embeds " + embedded + ") is " + what);
  }

  @Test
  void acceptsIpv6FormsEmbeddingPublicAddresses() throws Exception {
    assertThat(AddressCheck.refusal(v6Preserving("::ffff:1.1.1.1"))).isEmpty();
    assertThat(AddressCheck.refusal(v6Preserving("64:ff9b::808:808"))).isEmpty();
    assertThat(AddressCheck.refusal(v6Preserving("2002:808:808::1"))).isEmpty();
  }

  @Test
  void refusesTheMappedFormTheJdkTurnsIntoIpv4() {
    // InetAddress parses "::ffff:127.0.0.1" to an Inet4Address; that form is refused too.
    assertThat(AddressCheck.refusal(InetAddress.ofLiteral("::ffff:127.0.0.1")))
        .contains("127.0.0.1 is a loopback address");
  }

  /** Keeps IPv4-mapped literals as IPv6, as an address from a raw DNS answer would be. */
  private static InetAddress v6Preserving(String literal) throws UnknownHostException {
    InetAddress parsed = InetAddress.ofLiteral(literal);
    if (parsed instanceof Inet6Address) {
      return parsed;
    }
    byte[] v6 = new byte[16];
    v6[10] = (byte) 0xff;
    v6[11] = (byte) 0xff;
    System.arraycopy(parsed.getAddress(), 0, v6, 12, 4);
    return Inet6Address.getByAddress(null, v6, -1);
  }
}
