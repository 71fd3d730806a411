package dev.corral.core;

/**
 * The user's {@code [review.llm]} table as written: which endpoint the optional LLM review sends a
 * diff to, and where its API key is read on the host. Validated where the review runs.
 *
 * @param api {@code anthropic} or {@code openai}
 * @param url the endpoint
 * @param model the model name
 * @param keyEnv the key's environment variable, or empty
 * @param keyFile a file holding the key, or empty
 */
public record ReviewLlm(String api, String url, String model, String keyEnv, String keyFile) {}
