package dev.corral.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.core.CorralConfig;
import dev.corral.core.EgressPort;
import dev.corral.core.EgressRules;
import dev.corral.core.HostPath;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code corral run --egress-ask}: the flags and configuration reach the egress port. */
class EgressAskOptionsTest {
  @TempDir Path workdir;
  FakeBackend backend = new FakeBackend("fake");
  CliHarness cli;
  final List<EgressRules> opened = new ArrayList<>();

  @BeforeEach
  void setUp() {
    cli = new CliHarness(workdir, backend);
    cli.gateway =
        (id, workspace, rules) -> {
          opened.add(rules);
          return new EgressPort.Lease() {
            @Override
            public HostPath socket() {
              return HostPath.of(workdir.resolve("egress.sock"));
            }

            @Override
            public List<String> deniedHosts() {
              return List.of();
            }

            @Override
            public void close() {}
          };
        };
  }

  private void configure(Optional<Duration> ask) {
    cli.config =
        workspace ->
            new CorralConfig(
                Optional.empty(),
                CorralConfig.DEFAULT.limits(),
                Map.of(),
                List.of(),
                List.of(),
                Optional.empty(),
                Optional.empty(),
                new EgressRules(List.of(), Map.of(), ask));
  }

  @Test
  void egressAskTurnsOnTheGatewayWithTheDefaultHold() {
    var result = cli.run("run", "--egress-ask", "true");

    assertThat(result.code()).as(result.err()).isZero();
    assertThat(opened)
        .singleElement()
        .satisfies(r -> assertThat(r.ask()).contains(Duration.ofSeconds(60)));
  }

  @Test
  void egressAskHoldSetsTheHold() {
    var result = cli.run("run", "--egress-ask", "--egress-ask-hold", "5m", "true");

    assertThat(result.code()).as(result.err()).isZero();
    assertThat(opened.getFirst().ask()).contains(Duration.ofMinutes(5));
  }

  @Test
  void configurationTurnsAskModeOnWithoutFlags() {
    configure(Optional.of(Duration.ofSeconds(90)));

    assertThat(cli.run("run", "true").code()).isZero();
    assertThat(opened.getFirst().ask()).contains(Duration.ofSeconds(90));
  }

  @Test
  void withoutAskModeNoRuleMeansNoNetwork() {
    assertThat(cli.run("run", "true").code()).isZero();
    assertThat(opened).isEmpty();
  }

  @Test
  void rejectsBadAskFlags() {
    var orphan = cli.run("run", "--egress-ask-hold", "5m", "true");
    assertThat(orphan.code()).isEqualTo(2);
    assertThat(orphan.err())
        .isEqualTo(
            """
            corral: error: --egress-ask-hold needs --egress-ask
              hint: add --egress-ask, or drop --egress-ask-hold
            """);

    var zero = cli.run("run", "--egress-ask", "--egress-ask-hold", "0s", "true");
    assertThat(zero.code()).isEqualTo(2);
    assertThat(zero.err())
        .startsWith("corral: error: --egress-ask-hold must be positive, not 0s\n");

    var none = cli.run("run", "--egress-ask", "--network", "none", "true");
    assertThat(none.code()).isEqualTo(2);
    assertThat(none.err())
        .startsWith(
            "corral: error: --egress-ask needs the egress gateway, but the network mode is none\n");
    assertThat(backend.started).isNull();
  }
}
