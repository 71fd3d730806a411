package dev.corral.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.api.Problem;
import dev.corral.core.CommandException;
import dev.corral.core.ConfigException;
import dev.corral.core.ConflictException;
import dev.corral.core.EnvironmentException;
import dev.corral.core.NotFoundException;
import dev.corral.core.SandboxException;
import dev.corral.core.UsageException;
import org.junit.jupiter.api.Test;

class ProblemsTest {

  @Test
  void mapsEveryCorralErrorToOneStatus() {
    assertThat(Problems.status(new UsageException("x"))).isEqualTo(400);
    assertThat(Problems.status(new ConfigException("x"))).isEqualTo(422);
    assertThat(Problems.status(new NotFoundException("x", null))).isEqualTo(404);
    assertThat(Problems.status(new ConflictException("x", null))).isEqualTo(409);
    assertThat(Problems.status(CommandException.notFound("x", "/bin"))).isEqualTo(422);
    assertThat(Problems.status(new EnvironmentException("x"))).isEqualTo(503);
    assertThat(Problems.status(new SandboxException("x"))).isEqualTo(500);
  }

  @Test
  void aFullDiskBecomesA503NamingTheProblemAndTheFix() {
    Problem problem =
        Problems.of(
            new EnvironmentException(
                "cannot accept task t-1: the disk holding /d/store.db is full; nothing was changed",
                "free some space; the store keeps everything it accepted before"));
    assertThat(problem)
        .isEqualTo(
            new Problem(
                "https://corral.dev/problems/unavailable",
                "Service Unavailable",
                503,
                "cannot accept task t-1: the disk holding /d/store.db is full; nothing was changed",
                "free some space; the store keeps everything it accepted before"));
  }

  @Test
  void refusesANonLoopbackListenAddressUnlessToldOtherwise() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                new ServerConfig("0.0.0.0", 7777, false, java.nio.file.Path.of("/tmp/x"), 1, 1024))
        .isInstanceOf(UsageException.class)
        .hasMessageStartingWith("refusing to listen on 0.0.0.0: it is not a loopback address");
    assertThat(
            new ServerConfig("0.0.0.0", 7777, true, java.nio.file.Path.of("/tmp/x"), 1, 1024)
                .host())
        .isEqualTo("0.0.0.0");
    assertThat(new ServerConfig("::1", 0, false, java.nio.file.Path.of("/tmp/x"), 1, 1024).host())
        .isEqualTo("::1");
  }
}
