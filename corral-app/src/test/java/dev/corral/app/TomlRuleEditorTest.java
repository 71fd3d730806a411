package dev.corral.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.core.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TomlRuleEditorTest {
  @TempDir Path dir;

  private String addTo(String before, String key, String rule) throws IOException {
    Path file = dir.resolve("config.toml");
    Files.writeString(file, before);
    TomlRuleEditor.add(file, key, rule);
    return Files.readString(file);
  }

  @Test
  void createsTheFileAndTable() throws IOException {
    Path file = dir.resolve("sub/config.toml");
    TomlRuleEditor.Edit edit = TomlRuleEditor.add(file, "allow", "pypi.org");
    assertThat(edit.created()).isTrue();
    assertThat(Files.readString(file)).isEqualTo("[network]\nallow = [\"pypi.org\"]\n");
  }

  @Test
  void appendsTheTableAndKeepsCommentsAndOtherKeys() throws IOException {
    assertThat(addTo("# my settings\nbackend = \"native\" # why\n", "deny", "evil.com"))
        .isEqualTo(
            "# my settings\nbackend = \"native\" # why\n\n[network]\ndeny = [\"evil.com\"]\n");
  }

  @Test
  void addsTheKeyUnderAnExistingTable() throws IOException {
    assertThat(
            addTo(
                "[network] # egress\nmode = \"gateway\"\n\n[limits]\npids = 10\n",
                "allow",
                "a.org"))
        .isEqualTo(
            "[network] # egress\nmode = \"gateway\"\nallow = [\"a.org\"]\n\n[limits]\npids = 10\n");
  }

  @Test
  void appendsToAOneLineArray() throws IOException {
    assertThat(addTo("[network]\nallow = [\"a.org\", 'b.org'] # two\n", "allow", "c.org"))
        .isEqualTo("[network]\nallow = [\"a.org\", 'b.org', \"c.org\"] # two\n");
    assertThat(addTo("[network]\nallow = []\n", "allow", "c.org"))
        .isEqualTo("[network]\nallow = [\"c.org\"]\n");
  }

  @Test
  void appendsToAMultiLineArrayWithCommentsAsItsOwnLine() throws IOException {
    String before =
        "[network]\nallow = [\n  \"a.org\",  # first, with a ] in a comment\n  \"b.org\" # no comma\n]\ndeny = [\"x.org\"]\n";
    assertThat(addTo(before, "allow", "c.org"))
        .isEqualTo(
            "[network]\nallow = [\n  \"a.org\",  # first, with a ] in a comment\n  \"b.org\", # no comma\n  \"c.org\"\n]\ndeny = [\"x.org\"]\n");
    String trailing = "[network]\nallow = [\n    \"a.org\",\n]\n";
    assertThat(addTo(trailing, "allow", "GET c.org/simple/"))
        .isEqualTo("[network]\nallow = [\n    \"a.org\",\n    \"GET c.org/simple/\",\n]\n");
  }

  @Test
  void editsDottedKeys() throws IOException {
    assertThat(addTo("network.allow = [\"a.org\"]\n", "allow", "b.org"))
        .isEqualTo("network.allow = [\"a.org\", \"b.org\"]\n");
  }

  @Test
  void leavesTheFileAloneWhenTheRuleIsThere() throws IOException {
    Path file = dir.resolve("config.toml");
    Files.writeString(file, "[network]\nallow = [\"a.org\"]\n");
    assertThat(TomlRuleEditor.add(file, "allow", "a.org").changed()).isFalse();
    assertThat(Files.readString(file)).isEqualTo("[network]\nallow = [\"a.org\"]\n");
  }

  @Test
  void refusesAnInvalidFileAndWritesNothing() throws IOException {
    Path file = dir.resolve("config.toml");
    Files.writeString(file, "[network\nallow = 1\n");
    assertThatThrownBy(() -> TomlRuleEditor.add(file, "allow", "a.org"))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("not changing " + file + ", it is invalid: " + file + ":1:");
    assertThat(Files.readString(file)).isEqualTo("[network\nallow = 1\n");
    Files.writeString(file, "[network]\nallow = \"a.org\"\n");
    assertThatThrownBy(() -> TomlRuleEditor.add(file, "allow", "b.org"))
        .hasMessage(
            "not changing "
                + file
                + ", it is invalid: "
                + file
                + ":2: 'network.allow' must be an array of strings, not a string");
  }

  @Test
  void refusesALayoutItCannotEditSafely() throws IOException {
    Path file = dir.resolve("config.toml");
    Files.writeString(file, "network = { mode = \"gateway\" }\n");
    assertThatThrownBy(() -> TomlRuleEditor.add(file, "allow", "a.org"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("cannot add the rule to " + file + " safely");
    assertThat(Files.readString(file)).isEqualTo("network = { mode = \"gateway\" }\n");
  }

  @Test
  void replacesTheFileAtomicallyKeepingItsPermissions() throws IOException {
    Path file = dir.resolve("config.toml");
    Files.writeString(file, "[network]\n");
    Files.setPosixFilePermissions(
        file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    Object inode =
        Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
    TomlRuleEditor.add(file, "allow", "a.org");
    assertThat(
            Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class).fileKey())
        .as("a new file was moved into place")
        .isNotEqualTo(inode);
    assertThat(
            java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    try (var files = Files.list(dir)) {
      assertThat(files).containsExactly(file);
    }
  }
}
