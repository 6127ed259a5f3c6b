package io.upsfleet.gateway.nut;

import com.typesafe.config.Config;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Typed settings of the NUT facade, block {@code upsfleet.gateway.nut}. Built once at start-up; a
 * bad value fails fast naming its key.
 *
 * @param host interface to bind
 * @param port TCP port; 0 = the facade is off, {@link #ANY_PORT} = any free port (tests)
 * @param maxLineLength longest accepted command line (bytes, without the newline); a longer line
 *     closes the connection
 * @param maxConnections open NUT connections at most; more are closed at once
 * @param idleTimeout a connection that sends no complete line for this long is closed
 * @param workerThreads Netty worker threads
 * @param anonymousReadFrom client addresses whose sessions may read every UPS without signing in
 *     (as upsd lets anyone read who can connect); empty = nobody
 * @param supportSeesAll whether a support user's session sees every UPS (false: none)
 * @param maxListed UPSs that {@code LIST UPS} names at most
 */
public record NutSettings(
    String host,
    int port,
    int maxLineLength,
    int maxConnections,
    Duration idleTimeout,
    int workerThreads,
    Set<InetAddress> anonymousReadFrom,
    boolean supportSeesAll,
    int maxListed) {

  /** The value of {@code port} that asks for any free port (tests). */
  public static final int ANY_PORT = -1;

  private static final Pattern IP_LITERAL = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

  public NutSettings {
    check(port >= ANY_PORT && port <= 65535, "port", "must be 0 (off), -1 (any free) or 1..65535");
    check(maxLineLength >= 64 && maxLineLength <= 65536, "max-line-length", "must be 64..65536");
    check(
        maxConnections >= 1 && maxConnections <= 1_000_000,
        "max-connections",
        "must be 1..1000000");
    check(
        idleTimeout.compareTo(Duration.ofSeconds(1)) >= 0
            && idleTimeout.compareTo(Duration.ofHours(1)) <= 0,
        "idle-timeout",
        "must be 1s..1h");
    check(workerThreads >= 1 && workerThreads <= 64, "worker-threads", "must be 1..64");
    check(maxListed >= 1 && maxListed <= 100_000, "max-listed", "must be 1..100000");
    anonymousReadFrom = Set.copyOf(anonymousReadFrom);
  }

  /** Whether the facade listens at all. */
  public boolean enabled() {
    return port != 0;
  }

  public static NutSettings fromConfig(Config root) {
    Config c = root.getConfig("upsfleet.gateway.nut");
    String listed = c.getString("anonymous-read-from").trim();
    Set<InetAddress> anonymous = new HashSet<>();
    for (String a : listed.isEmpty() ? new String[0] : listed.split("\\s*,\\s*")) {
      check(
          IP_LITERAL.matcher(a).matches(),
          "anonymous-read-from",
          "must be IP addresses separated by commas, not '" + a + "'");
      try {
        anonymous.add(InetAddress.getByName(a));
      } catch (UnknownHostException e) {
        check(false, "anonymous-read-from", "has an invalid address '" + a + "'");
      }
    }
    return new NutSettings(
        c.getString("host"),
        c.getInt("port"),
        (int) Math.min(Integer.MAX_VALUE, c.getBytes("max-line-length")),
        c.getInt("max-connections"),
        c.getDuration("idle-timeout"),
        c.getInt("worker-threads"),
        anonymous,
        c.getBoolean("support-sees-all"),
        c.getInt("max-listed"));
  }

  private static void check(boolean ok, String key, String message) {
    if (!ok) throw new IllegalArgumentException("upsfleet.gateway.nut." + key + " " + message);
  }
}
