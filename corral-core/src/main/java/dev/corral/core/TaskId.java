package dev.corral.core;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** The identity of a task: {@code t-} followed by 16 lower-case hex digits. */
public record TaskId(String value) {
  private static final Pattern VALID = Pattern.compile("t-[0-9a-f]{16}");
  private static final SecureRandom RANDOM = new SecureRandom();

  public TaskId {
    if (!VALID.matcher(value).matches()) {
      throw new UsageException(
          "invalid task id '" + value + "'", "task ids look like t-3f9a0c1b2d4e5f60");
    }
  }

  public static TaskId of(String value) {
    return new TaskId(value);
  }

  public static TaskId random() {
    byte[] bytes = new byte[8];
    RANDOM.nextBytes(bytes);
    return new TaskId("t-" + HexFormat.of().formatHex(bytes));
  }

  @Override
  public String toString() {
    return value;
  }
}
