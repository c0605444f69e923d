package dev.parley.worker.batch;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/** A stream entry with no stream behind it: counts acks and progress signals. */
final class FakeDelivery implements Delivery {
  final String subject;
  final byte[] data;
  final long seq;
  final AtomicInteger acks = new AtomicInteger();
  final AtomicInteger inProgress = new AtomicInteger();

  FakeDelivery(String subject, String data, long seq) {
    this.subject = subject;
    this.data = data.getBytes(StandardCharsets.UTF_8);
    this.seq = seq;
  }

  static FakeDelivery seq(long seq) {
    return new FakeDelivery("t.stream.conv.c1.msg", "{}", seq);
  }

  @Override
  public String subject() {
    return subject;
  }

  @Override
  public byte[] data() {
    return data;
  }

  @Override
  public String stream() {
    return "T_STREAM";
  }

  @Override
  public long streamSeq() {
    return seq;
  }

  @Override
  public void ack() {
    acks.incrementAndGet();
  }

  @Override
  public void inProgress() {
    inProgress.incrementAndGet();
  }

  @Override
  public String toString() {
    return "#" + seq;
  }
}
