package dev.parley.system;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket client written on a plain socket, for what a well-behaved library will not do: send
 * one frame of any size, fragments, frames marked compressed, pings of its own, and never answer
 * the server's pings. Blocking; used from the test thread only.
 */
final class RawWebSocket implements AutoCloseable {
  static final int OP_CONTINUATION = 0x0;
  static final int OP_TEXT = 0x1;
  static final int OP_CLOSE = 0x8;
  static final int OP_PING = 0x9;
  static final int OP_PONG = 0xA;

  /** What {@link #awaitClose} answers when the connection ended without a close frame. */
  static final int NO_CLOSE_FRAME = 1006;

  record Frame(int opcode, byte[] payload) {
    int closeCode() {
      return payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : 1005;
    }
  }

  private final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;
  private final int status;
  private final Map<String, String> headers;

  private RawWebSocket(Socket socket, DataInputStream in, int status, Map<String, String> headers)
      throws IOException {
    this.socket = socket;
    this.in = in;
    this.out = socket.getOutputStream();
    this.status = status;
    this.headers = headers;
  }

  /** Sends the handshake (with {@code extraHeaders}, e.g. an extension offer) and reads the answer's head. */
  static RawWebSocket open(int port, String token, Map<String, String> extraHeaders)
      throws IOException {
    return open(port, token, extraHeaders, 0);
  }

  /**
   * As {@link #open(int, String, Map)}, with the socket's receive buffer set to {@code
   * receiveBufferBytes} (0: the system's) before it connects: a small one makes a client that stops
   * reading push back on the server at once, rather than after the kernel has taken megabytes.
   */
  static RawWebSocket open(
      int port, String token, Map<String, String> extraHeaders, int receiveBufferBytes)
      throws IOException {
    Socket socket = new Socket();
    if (receiveBufferBytes > 0) {
      socket.setReceiveBufferSize(receiveBufferBytes);
    }
    socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
    socket.setSoTimeout(10_000);
    byte[] nonce = new byte[16];
    ThreadLocalRandom.current().nextBytes(nonce);
    StringBuilder req =
        new StringBuilder()
            .append("GET /ws HTTP/1.1\r\nHost: 127.0.0.1:")
            .append(port)
            .append("\r\n")
            .append("Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n")
            .append("Sec-WebSocket-Key: ")
            .append(Base64.getEncoder().encodeToString(nonce))
            .append("\r\n")
            .append("Authorization: Bearer ")
            .append(token)
            .append("\r\n");
    extraHeaders.forEach((k, v) -> req.append(k).append(": ").append(v).append("\r\n"));
    req.append("\r\n");
    socket.getOutputStream().write(req.toString().getBytes(StandardCharsets.US_ASCII));
    DataInputStream in = new DataInputStream(socket.getInputStream());
    String statusLine = line(in);
    Map<String, String> headers = new LinkedHashMap<>();
    for (String l = line(in); !l.isEmpty(); l = line(in)) {
      int colon = l.indexOf(':');
      headers.put(
          l.substring(0, colon).trim().toLowerCase(Locale.ROOT), l.substring(colon + 1).trim());
    }
    return new RawWebSocket(socket, in, Integer.parseInt(statusLine.split(" ")[1]), headers);
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (int c = in.read(); c != '\n'; c = in.read()) {
      if (c < 0) {
        throw new EOFException("connection closed during the handshake");
      }
      if (c != '\r') {
        b.write(c);
      }
    }
    return b.toString(StandardCharsets.US_ASCII);
  }

  int status() {
    return status;
  }

  /** A header of the handshake's answer (lower-case name), or null. */
  String header(String name) {
    return headers.get(name.toLowerCase(Locale.ROOT));
  }

  void text(String text) throws IOException {
    frame(OP_TEXT, true, false, text.getBytes(StandardCharsets.UTF_8));
  }

  void ping() throws IOException {
    frame(OP_PING, true, false, new byte[] {'c'});
  }

  /** One frame as given, masked as a client's must be; {@code rsv1} marks it compressed. */
  void frame(int opcode, boolean fin, boolean rsv1, byte[] payload) throws IOException {
    ByteArrayOutputStream f = new ByteArrayOutputStream(payload.length + 14);
    f.write((fin ? 0x80 : 0) | (rsv1 ? 0x40 : 0) | opcode);
    if (payload.length < 126) {
      f.write(0x80 | payload.length);
    } else if (payload.length < 65536) {
      f.write(0x80 | 126);
      f.write(payload.length >>> 8);
      f.write(payload.length & 0xFF);
    } else {
      f.write(0x80 | 127);
      long n = payload.length;
      for (int shift = 56; shift >= 0; shift -= 8) {
        f.write((int) (n >>> shift) & 0xFF);
      }
    }
    byte[] mask = new byte[4];
    ThreadLocalRandom.current().nextBytes(mask);
    f.write(mask);
    byte[] masked = new byte[payload.length];
    for (int i = 0; i < payload.length; i++) {
      masked[i] = (byte) (payload[i] ^ mask[i % 4]);
    }
    f.write(masked);
    out.write(f.toByteArray());
    out.flush();
  }

  /** The next frame from the server, or null when none came within {@code timeoutMillis}. */
  Frame read(int timeoutMillis) throws IOException {
    socket.setSoTimeout(timeoutMillis);
    int first;
    try {
      first = in.read();
    } catch (SocketTimeoutException e) {
      return null;
    }
    if (first < 0) {
      throw new EOFException("connection closed");
    }
    socket.setSoTimeout(10_000);
    int second = in.readUnsignedByte();
    long length = second & 0x7F;
    if (length == 126) {
      length = in.readUnsignedShort();
    } else if (length == 127) {
      length = in.readLong();
    }
    byte[] payload = new byte[(int) length];
    in.readFully(payload);
    return new Frame(first & 0x0F, payload);
  }

  /**
   * Reads until the server's close frame (its code) or the end of the connection without one
   * ({@link #NO_CLOSE_FRAME}), skipping other frames and answering nothing; fails after {@code timeoutMillis}.
   */
  int awaitClose(long timeoutMillis) throws IOException {
    long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
    while (System.nanoTime() < deadline) {
      Frame f;
      try {
        f = read(100);
      } catch (EOFException | SocketException e) {
        return NO_CLOSE_FRAME;
      }
      if (f != null && f.opcode() == OP_CLOSE) {
        return f.closeCode();
      }
    }
    throw new AssertionError("no close within " + timeoutMillis + " ms");
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
