package dev.corral.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A sandbox the server runs. {@code state} is {@code running}, {@code exited} (its command ended)
 * or {@code stopped} (stopped by request).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SandboxView(
    String name,
    String state,
    String backend,
    String workspace,
    List<String> command,
    boolean tty,
    String created,
    @Nullable Integer exitCode,
    long logBytes) {}
