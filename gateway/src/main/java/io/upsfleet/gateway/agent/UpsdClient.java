package io.upsfleet.gateway.agent;

import io.upsfleet.gateway.nut.NutWords;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small blocking client of upsd's network protocol (one connection, reopened after a failure):
 * {@code LIST VAR}, {@code LIST CMD}, and {@code INSTCMD} / {@code SET VAR} after {@code USERNAME}
 * and {@code PASSWORD}. Not thread-safe; the agent's one thread uses it.
 */
final class UpsdClient implements AutoCloseable {
  private static final int MAX_LIST_LINES = 10_000;
  private final String host;
  private final int port;
  private final String user;
  private final String password;
  private final int timeoutMillis;
  private Socket socket;
  private BufferedReader in;
  private OutputStream out;
  private boolean signedIn;

  UpsdClient(String host, int port, String user, String password, int timeoutMillis) {
    this.host = host;
    this.port = port;
    this.user = user;
    this.password = password;
    this.timeoutMillis = timeoutMillis;
  }

  /** The UPS's variables, by name. */
  Map<String, String> variables(String ups) throws IOException {
    Map<String, String> vars = new LinkedHashMap<>();
    for (List<String> w : list("VAR " + ups)) {
      if (w.size() == 4 && w.get(0).equals("VAR")) vars.put(w.get(2), w.get(3));
    }
    return vars;
  }

  /** The UPS's instant commands. */
  List<String> commands(String ups) throws IOException {
    List<String> cmds = new ArrayList<>();
    for (List<String> w : list("CMD " + ups)) {
      if (w.size() == 3 && w.get(0).equals("CMD")) cmds.add(w.get(2));
    }
    return cmds;
  }

  /** {@code INSTCMD ups cmd}: upsd's reply line ({@code OK} means passed to the driver). */
  String instcmd(String ups, String command) throws IOException {
    signIn();
    return ask("INSTCMD " + ups + " " + command);
  }

  /** {@code SET VAR ups var "value"}: upsd's reply line. */
  String setVar(String ups, String var, String value) throws IOException {
    signIn();
    return ask("SET VAR " + ups + " " + var + " " + NutWords.quote(value));
  }

  private void signIn() throws IOException {
    if (signedIn && socket != null) return;
    open();
    if (user == null || user.isEmpty()) return;
    expectOk(ask("USERNAME " + user));
    expectOk(ask("PASSWORD " + password));
    signedIn = true;
  }

  private static void expectOk(String reply) throws IOException {
    if (!reply.startsWith("OK")) throw new IOException("upsd refused the sign-in: " + reply);
  }

  private List<List<String>> list(String query) throws IOException {
    String first = ask("LIST " + query);
    if (!first.equals("BEGIN LIST " + query)) throw new IOException("upsd: " + first);
    List<List<String>> rows = new ArrayList<>();
    try {
      for (int i = 0; i < MAX_LIST_LINES; i++) {
        String line = readLine();
        if (line.equals("END LIST " + query)) return rows;
        rows.add(NutWords.parse(line).orElseThrow(() -> new IOException("unparsable: " + line)));
      }
      throw new IOException("upsd's list has more than " + MAX_LIST_LINES + " lines");
    } catch (IOException e) {
      close();
      throw e;
    }
  }

  private String ask(String line) throws IOException {
    open();
    try {
      out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
      return readLine();
    } catch (IOException e) {
      close();
      throw e;
    }
  }

  private String readLine() throws IOException {
    String l = in.readLine();
    if (l == null) {
      close();
      throw new IOException("upsd closed the connection");
    }
    return l;
  }

  private void open() throws IOException {
    if (socket != null) return;
    Socket s = new Socket();
    try {
      s.connect(new InetSocketAddress(host, port), timeoutMillis);
      s.setSoTimeout(timeoutMillis);
    } catch (IOException e) {
      s.close();
      throw e;
    }
    socket = s;
    in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
    out = s.getOutputStream();
    signedIn = false;
  }

  @Override
  public void close() {
    if (socket == null) return;
    try {
      socket.close();
    } catch (IOException e) {
      // closing anyway
    }
    socket = null;
    signedIn = false;
  }
}
