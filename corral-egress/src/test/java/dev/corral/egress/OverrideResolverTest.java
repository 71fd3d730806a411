package dev.corral.egress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.core.UsageException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OverrideResolverTest {

  private final List<String> asked = new ArrayList<>();
  private final Resolver delegate =
      host -> {
        asked.add(host);
        return List.of(InetAddress.ofLiteral("192.0.2.99"));
      };

  @Test
  void answersOverriddenHostsWithoutAskingTheDelegate() throws Exception {
    Resolver resolver =
        OverrideResolver.parse(List.of("Test.Local=127.0.0.2", "test.local=::1"), delegate);

    assertThat(resolver.resolve("test.local."))
        .containsExactly(InetAddress.ofLiteral("127.0.0.2"), InetAddress.ofLiteral("::1"));
    assertThat(resolver.resolve("TEST.LOCAL")).hasSize(2);
    assertThat(asked).isEmpty();
  }

  @Test
  void answersOverridesAndLiteralsAtOnceAndLeavesNamesToTheBlockingPath() throws Exception {
    Resolver resolver =
        OverrideResolver.parse(List.of("test.local=127.0.0.2"), new SystemResolver());

    assertThat(resolver.resolveNow("Test.Local."))
        .contains(List.of(InetAddress.ofLiteral("127.0.0.2")));
    assertThat(resolver.resolveNow("192.0.2.7"))
        .contains(List.of(InetAddress.ofLiteral("192.0.2.7")));
    assertThat(resolver.resolveNow("2001:db8::1"))
        .contains(List.of(InetAddress.ofLiteral("2001:db8::1")));
    assertThat(resolver.resolveNow("example.com")).isEmpty();
    assertThat(resolver.resolveNow("2130706433")).isEmpty();
    assertThat(OverrideResolver.parse(List.of(), delegate).resolveNow("other.test")).isEmpty();
    assertThat(asked).isEmpty();
  }

  @Test
  void asksTheDelegateForOtherHosts() throws Exception {
    Resolver resolver = OverrideResolver.parse(List.of("a.test=127.0.0.2"), delegate);

    assertThat(resolver.resolve("sub.a.test")).containsExactly(InetAddress.ofLiteral("192.0.2.99"));
    assertThat(asked).containsExactly("sub.a.test");
  }

  @Test
  void parsesSeveralAddressesAndBracketedIpv6() throws Exception {
    Resolver resolver =
        OverrideResolver.parse(List.of("git.internal = 10.0.0.5, [fd00::5]"), delegate);

    assertThat(resolver.resolve("git.internal"))
        .containsExactly(InetAddress.ofLiteral("10.0.0.5"), InetAddress.ofLiteral("fd00::5"));
  }

  @Test
  void passesTheDelegatesFailureOn() {
    Resolver failing =
        host -> {
          throw new UnknownHostException(host);
        };
    Resolver resolver = OverrideResolver.parse(List.of(), failing);

    assertThatThrownBy(() -> resolver.resolve("nowhere.test"))
        .isInstanceOf(UnknownHostException.class);
  }

  @Test
  void rejectsAnEntryWithoutEqualsSign() {
    assertThatThrownBy(() -> OverrideResolver.parse(List.of("git.internal"), delegate))
        .isInstanceOfSatisfying(
            UsageException.class,
            e -> {
              assertThat(e)
                  .hasMessage("invalid resolver override \"git.internal\": expected HOST=ADDRESS");
              assertThat(e.hint())
                  .contains("write HOST=ADDRESS[,ADDRESS...], e.g. \"git.internal=10.0.0.5\"");
            });
  }

  @Test
  void rejectsANameInPlaceOfAnAddress() {
    assertThatThrownBy(() -> OverrideResolver.parse(List.of("a.test=localhost"), delegate))
        .isInstanceOf(UsageException.class)
        .hasMessage(
            "invalid resolver override \"a.test=localhost\": \"localhost\" is not an IP address");
  }

  @Test
  void systemResolverResolvesLiteralsWithoutDns() throws Exception {
    assertThat(new SystemResolver().resolve("127.0.0.1"))
        .containsExactly(InetAddress.ofLiteral("127.0.0.1"));
  }
}
