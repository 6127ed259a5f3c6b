package io.upsfleet.gateway.nut;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A raw NUT client on a plain socket: sends lines, reads reply lines (5 s time-out). */
final class NutLine implements AutoCloseable {
  final Socket socket;
  private final BufferedReader in;
  private final OutputStream out;

  NutLine(int port) {
    this(port, null);
  }

  /** Connects from local address {@code from} (e.g. 127.0.0.2), or any when null. */
  NutLine(int port, String from) {
    try {
      socket = new Socket();
      if (from != null) socket.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
      socket.setSoTimeout(5000);
      in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      out = socket.getOutputStream();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  void sendRaw(byte[] bytes) {
    try {
      out.write(bytes);
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Sends one line and reads the one reply line. */
  String ask(String line) {
    sendRaw((line + "\n").getBytes(StandardCharsets.UTF_8));
    return read();
  }

  /** Sends a LIST command and reads its lines up to {@code END LIST} (or the error). */
  List<String> list(String line) {
    sendRaw((line + "\n").getBytes(StandardCharsets.UTF_8));
    List<String> lines = new ArrayList<>();
    String first = read();
    lines.add(first);
    if (!first.startsWith("BEGIN LIST")) return lines;
    while (true) {
      String l = read();
      lines.add(l);
      if (l.startsWith("END LIST")) return lines;
    }
  }

  /** The next line, or null at the end of the stream. */
  String read() {
    try {
      return in.readLine();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Whether the server closed the connection (reads to the end; 5 s at most). */
  boolean closedByServer() {
    try {
      while (true) {
        String l = in.readLine();
        if (l == null) return true;
      }
    } catch (IOException e) {
      return e.getMessage() != null && e.getMessage().contains("reset");
    }
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      // closing
    }
  }
}
