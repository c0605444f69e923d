package dev.parley.worker.nats;

import dev.parley.worker.batch.Delivery;
import io.nats.client.Message;

/** A JetStream message as the fetch loop sees it. */
final class NatsDelivery implements Delivery {
  private final Message message;
  private final long streamSeq;

  NatsDelivery(Message message) {
    this.message = message;
    this.streamSeq = message.metaData().streamSequence();
  }

  @Override
  public String subject() {
    return message.getSubject();
  }

  @Override
  public byte[] data() {
    byte[] data = message.getData();
    return data == null ? new byte[0] : data;
  }

  @Override
  public long streamSeq() {
    return streamSeq;
  }

  @Override
  public void ack() {
    message.ack();
  }

  @Override
  public void inProgress() {
    message.inProgress();
  }
}
