package dev.corral.store;

import dev.corral.core.TaskId;
import dev.corral.core.TaskRecord;
import java.nio.file.Path;
import java.time.Instant;

/** Accepts tasks forever, printing each id once the store returned; killed by the test. */
final class StoreWriter {
  private StoreWriter() {}

  public static void main(String[] args) {
    try (SqliteStore store = SqliteStore.open(Path.of(args[0]), true)) {
      while (true) {
        TaskId id = TaskId.random();
        store.insert(TaskRecord.accepted(id, SqliteStoreTest.spec("p"), Instant.now()));
        System.out.println(id);
        System.out.flush();
      }
    }
  }
}
