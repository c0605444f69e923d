package dev.parley.worker.store;

/**
 * A stream entry that cannot be stored, set aside whole with the reason so an operator can inspect
 * and replay it.
 *
 * @param conversationId for the log line; null when even that could not be read
 */
public record Undeliverable(long streamSeq, String subject, String payload, String reason, String conversationId) {}
