package dev.corral.dockerbackend;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.core.Backend;
import dev.corral.tck.Run;
import dev.corral.tck.SandboxFixture;
import java.io.IOException;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Attacks only a container sandbox invites: at the engine, the runtime and the container's root.
 */
@Timeout(120)
class ContainerAttackTest extends SandboxFixture {
  @Override
  protected void requireBackend() {
    DockerBackends.require();
  }

  @BeforeEach
  void handFixture() throws IOException {
    DockerBackends.handFixtureToSandboxUser(temp);
  }

  @Override
  protected Backend backend() {
    return DockerBackends.inTestImage(DockerBackends.create(temp), Optional.of("runc"));
  }

  @Test
  void findsNoEngineSocketToTalkTo() {
    Run r =
        sandboxed(
            "for s in /var/run/docker.sock /run/docker.sock /run/podman/podman.sock"
                + " /run/containerd/containerd.sock; do test -e $s && echo FOUND $s; done;"
                + " find / -xdev \\( -name 'docker.sock' -o -name 'containerd.sock' \\) 2>/dev/null;"
                + " curl -s --max-time 3 --unix-socket /var/run/docker.sock http://d/version;"
                + " echo rc=$?");
    assertThat(r.stdout()).as(r.toString()).doesNotContain("FOUND").doesNotContain("ApiVersion");
    assertThat(r.stdout().strip()).endsWith("rc=7");
  }

  @Test
  void cannotWriteTheContainersRootFilesystem() {
    Run r =
        sandboxed(
            "for f in /corral-x /etc/corral-x /usr/bin/corral-x /bin/sh /etc/passwd; do"
                + " (echo x >> $f) 2>/dev/null && echo WROTE $f; done; echo done");
    assertThat(r.stdout()).as(r.toString()).isEqualTo("done\n");
  }

  @Test
  void holdsNoCapabilityEvenInTheBoundingSet() {
    Run r = sandboxed("grep -E '^Cap(Inh|Prm|Eff|Bnd|Amb):' /proc/self/status");
    assertThat(r.stdout().lines().toList())
        .as(r.toString())
        .hasSize(5)
        .allSatisfy(line -> assertThat(line).endsWith("\t0000000000000000"));
  }

  @Test
  void cannotChangeTheNetwork() {
    Run r =
        sandboxed(
            "python3 -c 'import socket, fcntl, struct\n"
                + "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
                + "try:\n"
                + "    fcntl.ioctl(s, 0x8914, struct.pack(\"16sH\", b\"lo\", 0)); print(\"IFDOWN\")\n"
                + "except OSError as e: print(\"ifflags\", e.errno)\n"
                + "try:\n"
                + "    socket.socket(socket.AF_PACKET, socket.SOCK_RAW); print(\"RAW\")\n"
                + "except OSError as e: print(\"raw\", e.errno)\n"
                + "try:\n"
                + "    socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0).bind((0, 0));"
                + " open(\"/proc/sys/net/ipv4/ip_forward\", \"w\").write(\"1\"); print(\"SYSCTL\")\n"
                + "except OSError as e: print(\"sysctl\", e.errno)'; ls /sys/class/net");
    assertThat(r.stdout().lines().toList())
        .as(r.toString())
        .containsExactly("ifflags 1", "raw 1", "sysctl 30", "lo");
  }

  @Test
  void cannotReachTheHostThroughProcOfItsInit() throws IOException {
    java.nio.file.Path marker = java.nio.file.Files.writeString(temp.resolve("host-only"), "host");
    Run r =
        sandboxed(
            "cat /proc/1/root"
                + marker
                + " /proc/1/cwd"
                + marker
                + " 2>/dev/null; test -e /proc/1/root/var/run/docker.sock && echo SEES-SOCKET;"
                + " for p in /proc/[0-9]*; do readlink $p/root; done | sort -u;"
                + " (echo 1 > /proc/sys/kernel/sysrq) 2>/dev/null && echo SYSRQ;"
                + " (echo c > /proc/sysrq-trigger) 2>/dev/null && echo TRIGGER; echo end");
    // Every process's root is the container's own; the host's files stay out of reach.
    assertThat(r.stdout()).as(r.toString()).isEqualTo("/\nend\n");
  }

  @Test
  void cannotBecomeRootThroughSuOrSetuidCopies() {
    Run r =
        sandboxed(
            "cp /bin/sh /tmp/sh 2>/dev/null; chmod u+s /tmp/sh 2>/dev/null; /tmp/sh -c 'id -u';"
                + " su -c 'id -u' root </dev/null 2>/dev/null; echo rc=$?; id -u");
    assertThat(r.stdout().lines().toList()).as(r.toString()).doesNotContain("0");
  }
}
