package dev.corral.dockerbackend;

import dev.corral.core.SandboxId;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The labels on everything Corral creates in an engine (containers, images it builds), and the
 * owner test of the orphan reaper: a container belongs to a Corral process on one host, named by
 * pid and start time so that a recycled pid does not pass for the owner.
 */
final class Labels {
  static final String SANDBOX = "dev.corral.sandbox";
  static final String OWNER_PID = "dev.corral.owner.pid";
  static final String OWNER_START = "dev.corral.owner.start";
  static final String OWNER_HOST = "dev.corral.owner.host";
  static final String CREATED = "dev.corral.created";
  static final String RUNTIME_DIR = "dev.corral.runtime-dir";
  static final String RECIPE = "dev.corral.recipe";

  private Labels() {}

  /** The labels of a sandbox container started now by this process. */
  static Map<String, String> forSandbox(SandboxId id, Path runtimeDir) {
    Map<String, String> labels = new LinkedHashMap<>();
    ProcessHandle self = ProcessHandle.current();
    labels.put(SANDBOX, id.value());
    labels.put(OWNER_PID, Long.toString(self.pid()));
    labels.put(OWNER_START, Long.toString(startOf(self)));
    labels.put(OWNER_HOST, hostName());
    labels.put(CREATED, Instant.now().toString());
    labels.put(RUNTIME_DIR, runtimeDir.toString());
    return labels;
  }

  /**
   * Whether the Corral process named by {@code labels} is gone. Containers of another host (a
   * shared remote engine) are never judged dead from here.
   */
  static boolean ownerGone(Map<String, String> labels) {
    if (!hostName().equals(labels.get(OWNER_HOST))) {
      return false;
    }
    try {
      long pid = Long.parseLong(labels.getOrDefault(OWNER_PID, ""));
      long start = Long.parseLong(labels.getOrDefault(OWNER_START, ""));
      return ProcessHandle.of(pid).map(h -> startOf(h) != start || zombie(pid)).orElse(true);
    } catch (NumberFormatException e) {
      return true;
    }
  }

  private static long startOf(ProcessHandle handle) {
    return handle.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
  }

  /** A killed owner may linger as a zombie until its parent reaps it: it is dead all the same. */
  private static boolean zombie(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      String state = stat.substring(stat.lastIndexOf(')') + 1).strip();
      return state.startsWith("Z") || state.startsWith("X");
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  static String hostName() {
    try {
      return Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
    } catch (IOException e) {
      try {
        return InetAddress.getLocalHost().getHostName();
      } catch (IOException ignored) {
        return "localhost";
      }
    }
  }
}
