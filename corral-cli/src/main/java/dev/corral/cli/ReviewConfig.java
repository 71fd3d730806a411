package dev.corral.cli;

import dev.corral.core.ReviewLlm;
import dev.corral.workspace.LlmSettings;
import dev.corral.workspace.ReviewSettings;

/** The review settings of {@code review} and {@code merge}: defaults plus the user's LLM table. */
final class ReviewConfig {
  private ReviewConfig() {}

  static ReviewSettings settings(CliContext ctx) {
    return ctx.config()
        .load(ctx.workingDirectory())
        .reviewLlm()
        .map(ReviewConfig::llm)
        .map(ReviewSettings.DEFAULT::withLlm)
        .orElse(ReviewSettings.DEFAULT);
  }

  private static LlmSettings llm(ReviewLlm table) {
    return LlmSettings.of(table.api(), table.url(), table.model(), table.keyEnv(), table.keyFile());
  }
}
