package dev.parley.worker.nats;

import dev.parley.worker.batch.Delivery;
import io.nats.client.Message;
import io.nats.client.impl.Headers;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A JetStream message as the fetch loop sees it. */
final class NatsDelivery implements Delivery {
  private final Message message;
  private final String stream;
  private final long streamSeq;

  NatsDelivery(Message message) {
    this.message = message;
    this.stream = message.metaData().getStream();
    this.streamSeq = message.metaData().streamSequence();
  }

  @Override
  public String stream() {
    return stream;
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
  public Map<String, List<String>> headers() {
    Headers headers = message.getHeaders();
    Map<String, List<String>> out = new LinkedHashMap<>();
    if (headers != null) {
      headers.forEach((name, values) -> out.put(name, List.copyOf(values)));
    }
    return out;
  }

  @Override
  public String header(String name) {
    // one lookup, no copy of every header: the relay asks this of each entry
    Headers headers = message.getHeaders();
    return headers == null ? null : headers.getFirst(name);
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
