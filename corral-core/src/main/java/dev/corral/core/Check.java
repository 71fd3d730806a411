package dev.corral.core;

import org.jspecify.annotations.Nullable;

/**
 * One finding of a host check, as shown by {@code corral doctor}.
 *
 * @param name what was checked, e.g. {@code bubblewrap}
 * @param status the result
 * @param detail what was found, e.g. a version or the reason for a failure
 * @param fix how to fix a failure or warning; null when there is nothing to do
 */
public record Check(String name, Status status, String detail, @Nullable String fix) {

  /** The result of a check. {@link #FAIL} makes the backend unusable; {@link #WARN} does not. */
  public enum Status {
    OK,
    WARN,
    FAIL
  }

  public static Check ok(String name, String detail) {
    return new Check(name, Status.OK, detail, null);
  }

  public static Check warn(String name, String detail, String fix) {
    return new Check(name, Status.WARN, detail, fix);
  }

  public static Check fail(String name, String detail, String fix) {
    return new Check(name, Status.FAIL, detail, fix);
  }
}
