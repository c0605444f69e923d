package dev.parley.worker.store;

/**
 * A stream entry the worker cannot store, kept byte for byte in {@code dead_letters} with its
 * headers and the error, so an operator can inspect it and replay it once the cause is fixed.
 *
 * @param stream the stream holding the entry; with {@code streamSeq} it names the entry
 * @param headersJson the entry's headers as a JSON object of name to list of values
 * @param payload the entry's data exactly as the stream holds it
 * @param error why it could not be stored; never carries the payload (it is logged)
 * @param conversationId for the log line; null when even that could not be read
 */
public record DeadLetter(
    String stream,
    long streamSeq,
    String subject,
    String headersJson,
    byte[] payload,
    String error,
    String conversationId) {}
