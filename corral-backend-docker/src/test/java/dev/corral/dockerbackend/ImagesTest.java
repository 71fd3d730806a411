package dev.corral.dockerbackend;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.core.Backend;
import dev.corral.core.ContainerSpec;
import dev.corral.core.ImageSource;
import dev.corral.core.SandboxEvent;
import dev.corral.core.SandboxId;
import dev.corral.core.SandboxSpec;
import dev.corral.tck.Run;
import dev.corral.tck.SandboxFixture;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Corral's own images, built from the shipped Dockerfiles on top of the offline test image (apt-get
 * inside the build reaches Debian's archive), cached by recipe hash, with layers on top.
 */
@Timeout(900)
class ImagesTest extends SandboxFixture {
  private DockerBackend docker;

  @Override
  protected void requireBackend() {
    DockerBackends.require();
  }

  @BeforeEach
  void handFixture() throws IOException {
    DockerBackends.handFixtureToSandboxUser(temp);
    docker = DockerBackends.create(temp);
  }

  @Override
  protected Backend backend() {
    return docker;
  }

  @Test
  void buildsTheBaseImageOnceAndLayersOnTop() {
    Images images = new Images(docker.engine(), DockerBackends.TEST_IMAGE);
    List<SandboxEvent> events = new CopyOnWriteArrayList<>();
    SandboxId id = SandboxId.random();
    String base = images.stack("base", id, events::add);
    String testImageId =
        java.util.Objects.requireNonNullElse(
            docker.engine().client().inspectImageCmd(DockerBackends.TEST_IMAGE).exec().getId(), "");
    assertThat(base).isEqualTo("corral/base:" + Images.hash(Images.recipe("base"), testImageId));
    events.clear();
    assertThat(images.stack("base", id, events::add)).isEqualTo(base);
    assertThat(events).as("an unchanged recipe is not rebuilt").isEmpty();

    SandboxSpec spec =
        sh("id -un 1000; for c in socat git curl; do command -v $c; done; cat /etc/corral-layer")
            .build()
            .withContainer(
                ContainerSpec.DEFAULT
                    .withImage(new ImageSource.Stack("base"))
                    .withLayers(List.of("RUN echo from-a-layer > /etc/corral-layer")));
    Run r = run(spec);
    assertThat(r.stdout())
        .as(r.toString())
        .isEqualTo("corral\n/usr/bin/socat\n/usr/bin/git\n/usr/bin/curl\nfrom-a-layer\n");
  }
}
