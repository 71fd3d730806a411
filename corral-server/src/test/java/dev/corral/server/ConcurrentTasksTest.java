package dev.corral.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.api.TaskRequest;
import dev.corral.api.TaskView;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConcurrentTasksTest {
  @TempDir Path temp;

  @Test
  void runsFiftyConcurrentTasksThatEditFilesEachOnItsOwnClone() throws Exception {
    Path repo = ServerFixture.repo(temp.resolve("repo"));
    try (ServerFixture fixture = ServerFixture.start(temp, 50);
        ExecutorService submitters = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<TaskView>> submitted = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        String script = "echo task-" + i + " >> README; echo edit-" + i + " > mine.txt; cat README";
        submitted.add(
            submitters.submit(
                () -> fixture.client.submit(TaskRequest.of(repo.toString(), "shell", script))));
      }
      for (int i = 0; i < 50; i++) {
        TaskView task = TaskApiTestSupport.await(fixture.client, submitted.get(i).get().id());
        assertThat(task.state()).as(task.id() + ": " + task.reason()).isEqualTo("succeeded");
        assertThat(fixture.client.log(task.id(), 0))
            .as("the agent's terminal writes CR LF")
            .isEqualTo("hello\r\ntask-" + i + "\r\n");
        assertThat(fixture.client.diff(task.id()))
            .contains("+task-" + i)
            .contains("+edit-" + i)
            .doesNotContain("task-" + (i + 1) + "\n");
      }
      assertThat(fixture.client.metrics())
          .contains("corral_tasks{state=\"succeeded\"} 50.0")
          .contains("corral_task_duration_seconds_count{state=\"succeeded\"} 50")
          .contains(
              "http_server_requests_seconds_count{method=\"POST\",route=\"/api/v1/tasks\",status=\"201\"} 50");
    }
  }
}
