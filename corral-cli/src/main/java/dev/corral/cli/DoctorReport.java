package dev.corral.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.corral.core.Availability;
import dev.corral.core.Check;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What {@code corral doctor} found: every backend with its checks, best first, and the backend
 * {@code corral run} would use (null when none can run).
 */
record DoctorReport(List<Backend> backends, @Nullable String selected) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One backend's findings. */
  record Backend(String name, boolean usable, List<Finding> checks) {}

  /** One check, as shown to the user. */
  record Finding(String name, String status, String detail, @Nullable String fix) {}

  static DoctorReport of(List<Availability> probed) {
    List<Backend> backends =
        probed.stream()
            .map(
                a ->
                    new Backend(
                        a.backend(),
                        a.usable(),
                        a.checks().stream().map(DoctorReport::finding).toList()))
            .toList();
    String selected =
        probed.stream()
            .filter(Availability::usable)
            .map(Availability::backend)
            .findFirst()
            .orElse(null);
    return new DoctorReport(backends, selected);
  }

  private static Finding finding(Check c) {
    return new Finding(c.name(), c.status().name(), c.detail(), c.fix());
  }

  String text() {
    var sb = new StringBuilder();
    for (Backend b : backends) {
      sb.append(b.name()).append(": ").append(b.usable() ? "can run" : "cannot run").append('\n');
      int width = b.checks().stream().mapToInt(f -> f.name().length()).max().orElse(0);
      for (Finding f : b.checks()) {
        sb.append(
            String.format("  %-4s  %-" + width + "s  %s%n", f.status(), f.name(), f.detail()));
        if (f.fix() != null) {
          sb.append(" ".repeat(10 + width)).append("fix: ").append(f.fix()).append('\n');
        }
      }
    }
    if (backends.isEmpty()) {
      sb.append("no sandbox backend is installed: this build of Corral is incomplete\n");
    } else if (selected == null) {
      sb.append("no backend can run here: fix the failures above, then run `corral doctor`\n");
    } else {
      sb.append("corral run will use the ").append(selected).append(" backend\n");
    }
    return sb.toString();
  }

  String json() {
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(this) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the doctor report as JSON", e);
    }
  }
}
