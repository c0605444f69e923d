package dev.parley.contract.stream;

/**
 * One of the streams conversations are spread over ({@code PARLEY_STREAM_PARTITIONS}). Each
 * conversation lives in exactly one, chosen by {@link dev.parley.contract.Partitioning#partitionOf}, so its entries
 * keep one order and its sequences rise; different partitions number their entries on their own.
 *
 * @param index 0..count-1
 * @param streamName the JetStream stream holding this partition
 * @param subjects the subjects that stream captures
 */
public record StreamPartition(int index, String streamName, String subjects) {}
