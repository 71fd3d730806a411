package dev.corral.core;

import java.security.SecureRandom;
import java.util.regex.Pattern;

/**
 * The name of a sandbox: 1 to 63 characters of lower-case letters, digits, {@code -} and {@code _},
 * starting with a letter or digit. Names appear in paths, cgroup names and branch names, so the
 * alphabet is deliberately narrow.
 */
public record SandboxId(String value) {
  private static final Pattern VALID = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String[] ADJECTIVES = {
    "brisk", "calm", "dusty", "eager", "fuzzy", "gentle", "hardy", "keen", "lucky", "mellow",
    "nimble", "plucky", "quiet", "rusty", "steady", "swift", "tidy", "wild"
  };
  private static final String[] ANIMALS = {
    "bison", "colt", "donkey", "filly", "goat", "heifer", "llama", "mare", "mule", "ox", "pony",
    "ram", "steer", "yak"
  };

  public SandboxId {
    if (!VALID.matcher(value).matches()) {
      throw new UsageException(
          "invalid sandbox name '"
              + value
              + "': use 1-63 characters a-z, 0-9, '-' or '_', starting with a letter or digit");
    }
  }

  public static SandboxId of(String value) {
    return new SandboxId(value);
  }

  /** A fresh human-friendly name such as {@code swift-mule-3f9a}. */
  public static SandboxId random() {
    return new SandboxId(
        ADJECTIVES[RANDOM.nextInt(ADJECTIVES.length)]
            + "-"
            + ANIMALS[RANDOM.nextInt(ANIMALS.length)]
            + "-"
            + String.format("%04x", RANDOM.nextInt(0x10000)));
  }

  @Override
  public String toString() {
    return value;
  }
}
