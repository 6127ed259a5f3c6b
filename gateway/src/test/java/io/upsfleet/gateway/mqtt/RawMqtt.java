package io.upsfleet.gateway.mqtt;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;

/**
 * A hand-driven MQTT 3.1.1 connection for protocol tests: builds packets byte by byte (so tests can
 * send what no real client would) and reads the server's answers. Every read is bounded by a
 * timeout, so no test can hang on a silent server. Not thread-safe; one per test.
 */
final class RawMqtt implements AutoCloseable {
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

  static final int CONNECT = 0x10;
  static final int CONNACK = 0x20;
  static final int PUBLISH = 0x30;
  static final int PUBACK = 0x40;
  static final int SUBSCRIBE = 0x82;
  static final int SUBACK = 0x90;
  static final int UNSUBACK = 0xB0;
  static final int PINGREQ = 0xC0;
  static final int PINGRESP = 0xD0;
  static final int DISCONNECT = 0xE0;

  /** CONNECT flags of a device: user name, password, clean session. */
  static final int DEVICE_FLAGS = 0x80 | 0x40 | 0x02;

  private static final HexFormat HEX = HexFormat.of();

  /**
   * One packet read from the server: its first byte (type and flags) and everything after the
   * length.
   */
  record Packet(int header, byte[] body) {
    int type() {
      return header & 0xF0;
    }

    /** The return code of a CONNACK. */
    int returnCode() {
      return body[1] & 0xFF;
    }

    /** The packet id of a PUBACK or SUBACK. */
    int packetId() {
      return ((body[0] & 0xFF) << 8) | (body[1] & 0xFF);
    }

    @Override
    public String toString() {
      return String.format("Packet[%02x %s]", header, HEX.formatHex(body));
    }
  }

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  private RawMqtt(Socket socket) throws IOException {
    this.socket = socket;
    this.in = socket.getInputStream();
    this.out = socket.getOutputStream();
  }

  /** Opens a TCP connection to the MQTT listener; reads time out after {@link #DEFAULT_TIMEOUT}. */
  static RawMqtt open(int port) throws IOException {
    Socket s = new Socket();
    s.setTcpNoDelay(true);
    s.setSoTimeout((int) DEFAULT_TIMEOUT.toMillis());
    s.connect(new InetSocketAddress("127.0.0.1", port), (int) DEFAULT_TIMEOUT.toMillis());
    return new RawMqtt(s);
  }

  /** Opens a connection, sends a device CONNECT and expects CONNACK 0 (accepted). */
  static RawMqtt connected(int port, String serial, String secret, int keepAliveSeconds)
      throws IOException {
    RawMqtt c = open(port);
    c.send(connect(serial, serial, secret, keepAliveSeconds));
    Packet ack = c.read();
    if (ack.type() != CONNACK || ack.returnCode() != 0) {
      c.close();
      throw new AssertionError("expected CONNACK 0 for " + serial + ", got " + ack);
    }
    return c;
  }

  // ------------------------------------------------------------------------------------------
  // sending

  void send(byte[]... parts) throws IOException {
    for (byte[] p : parts) out.write(p);
    out.flush();
  }

  // ------------------------------------------------------------------------------------------
  // reading

  /** The next packet; fails when none arrives within the timeout or the connection closes first. */
  Packet read() throws IOException {
    return read(DEFAULT_TIMEOUT);
  }

  Packet read(Duration timeout) throws IOException {
    socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
    try {
      int header = readByte();
      int length = 0;
      int multiplier = 1;
      for (int i = 0; ; i++) {
        int digit = readByte();
        length += (digit & 0x7F) * multiplier;
        if ((digit & 0x80) == 0) break;
        if (i == 3) throw new IOException("server sent a remaining length longer than 4 bytes");
        multiplier *= 128;
      }
      byte[] body = in.readNBytes(length);
      if (body.length != length) throw new EOFException("connection closed inside a packet");
      return new Packet(header, body);
    } catch (SocketTimeoutException e) {
      throw new AssertionError("no packet from the server within " + timeout.toMillis() + " ms");
    }
  }

  private int readByte() throws IOException {
    int b = in.read();
    if (b < 0) throw new EOFException("the server closed the connection");
    return b;
  }

  /**
   * Waits for the server to close the connection and returns every byte it sent before closing. A
   * reset counts as a close. Fails when the connection is still open after {@code timeout}.
   */
  byte[] awaitClosed(Duration timeout) throws IOException {
    ByteArrayOutputStream received = new ByteArrayOutputStream();
    long deadline = System.nanoTime() + timeout.toNanos();
    byte[] buf = new byte[4096];
    while (true) {
      long left = Duration.ofNanos(deadline - System.nanoTime()).toMillis();
      if (left <= 0) {
        throw new AssertionError(
            "the server kept the connection open for "
                + timeout.toMillis()
                + " ms; it sent "
                + HEX.formatHex(received.toByteArray()));
      }
      socket.setSoTimeout((int) left);
      try {
        int n = in.read(buf);
        if (n < 0) return received.toByteArray();
        received.write(buf, 0, n);
      } catch (SocketTimeoutException e) {
        // loop: the deadline check above fails the wait
      } catch (SocketException e) {
        return received.toByteArray(); // reset by the server: closed
      }
    }
  }

  /** Waits for the close and fails when the server sent anything first. */
  void awaitClosedWithoutResponse(Duration timeout) throws IOException {
    byte[] sent = awaitClosed(timeout);
    if (sent.length > 0) {
      throw new AssertionError(
          "expected a close without response, but the server sent " + HEX.formatHex(sent));
    }
  }

  /**
   * Whether the server closed the connection within {@code timeout} (never throws for an open one).
   */
  boolean isClosedWithin(Duration timeout) throws IOException {
    socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
    try {
      return in.read() < 0;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (SocketException e) {
      return true;
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }

  // --------------------------------------------------------------------------------- packet
  // builders

  /** A packet: first byte, the remaining length in its shortest encoding, the body. */
  static byte[] packet(int firstByte, byte[] body) {
    ByteArrayOutputStream b = new ByteArrayOutputStream(body.length + 5);
    b.write(firstByte);
    b.writeBytes(remainingLength(body.length));
    b.writeBytes(body);
    return b.toByteArray();
  }

  /** The variable-length encoding of a remaining length (1 to 4 bytes). */
  static byte[] remainingLength(int length) {
    ByteArrayOutputStream b = new ByteArrayOutputStream(4);
    do {
      int digit = length % 128;
      length /= 128;
      if (length > 0) digit |= 0x80;
      b.write(digit);
    } while (length > 0);
    return b.toByteArray();
  }

  /** An MQTT UTF-8 string: two length bytes, then the bytes. */
  static byte[] string(String s) {
    return lengthPrefixed(s.getBytes(StandardCharsets.UTF_8));
  }

  static byte[] lengthPrefixed(byte[] bytes) {
    ByteArrayOutputStream b = new ByteArrayOutputStream(bytes.length + 2);
    b.write(bytes.length >> 8);
    b.write(bytes.length & 0xFF);
    b.writeBytes(bytes);
    return b.toByteArray();
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (byte[] p : parts) b.writeBytes(p);
    return b.toByteArray();
  }

  /** The variable header of a CONNECT: protocol name, level, flags, keep-alive. */
  static byte[] connectHeader(String protocolName, int level, int flags, int keepAliveSeconds) {
    return concat(
        string(protocolName),
        new byte[] {
          (byte) level, (byte) flags, (byte) (keepAliveSeconds >> 8), (byte) keepAliveSeconds
        });
  }

  /**
   * A CONNECT with the given header fields and payload fields (client id first; null fields are
   * left out), in MQTT 3.1.1 layout.
   */
  static byte[] connect(
      String protocolName, int level, int flags, int keepAliveSeconds, String... payloadFields) {
    ByteArrayOutputStream payload = new ByteArrayOutputStream();
    for (String f : payloadFields) {
      if (f != null) payload.writeBytes(string(f));
    }
    return packet(
        CONNECT,
        concat(connectHeader(protocolName, level, flags, keepAliveSeconds), payload.toByteArray()));
  }

  /** A device CONNECT: client id, user name and password, clean session. */
  static byte[] connect(String clientId, String username, String password, int keepAliveSeconds) {
    return connect("MQTT", 4, DEVICE_FLAGS, keepAliveSeconds, clientId, username, password);
  }

  /** A PUBLISH with the given QoS (0 or 1 carry meaning; other values are sent as they are). */
  static byte[] publish(int qos, String topic, int packetId, byte[] payload) {
    byte[] id = qos > 0 ? new byte[] {(byte) (packetId >> 8), (byte) packetId} : new byte[0];
    return packet(PUBLISH | (qos << 1), concat(string(topic), id, payload));
  }

  static byte[] publish(int qos, String topic, int packetId, String payload) {
    return publish(qos, topic, packetId, payload.getBytes(StandardCharsets.UTF_8));
  }

  /** A SUBSCRIBE of {@code filters}, each at QoS 1. */
  static byte[] subscribe(int packetId, String... filters) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.write(packetId >> 8);
    body.write(packetId & 0xFF);
    for (String f : filters) {
      body.writeBytes(string(f));
      body.write(1);
    }
    return packet(SUBSCRIBE, body.toByteArray());
  }

  static byte[] pingreq() {
    return new byte[] {(byte) PINGREQ, 0};
  }

  static byte[] disconnect() {
    return new byte[] {(byte) DISCONNECT, 0};
  }

  static String hex(byte[] bytes) {
    return HEX.formatHex(bytes);
  }
}
