package dev.corral.core;

/** A resource limit a sandbox can run into. */
public enum Limit {
  MEMORY("memory", "--memory"),
  PIDS("process count", "--pids"),
  CPU_TIME("CPU time", "--cpu-time"),
  FILE_SIZE("file size", "--file-size"),
  OPEN_FILES("open files", "--open-files");

  private final String description;
  private final String flag;

  Limit(String description, String flag) {
    this.description = description;
    this.flag = flag;
  }

  public String description() {
    return description;
  }

  /** The {@code corral run} flag that raises this limit. */
  public String flag() {
    return flag;
  }
}
