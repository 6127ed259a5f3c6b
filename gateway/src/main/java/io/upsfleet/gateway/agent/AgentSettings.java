package io.upsfleet.gateway.agent;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The agent's options: {@code --name value} on the command line, else {@code UPSFLEET_AGENT_NAME}
 * in the environment (upper case, dashes as underscores). Validated at once; a bad value names its
 * option.
 *
 * @param upsdHost host of the local upsd ({@code --upsd host:port}, default 127.0.0.1:3493)
 * @param upsdPort its port
 * @param ups the UPS's name in upsd ({@code --ups})
 * @param upsdUser a upsd.users user with {@code instcmds} and {@code actions = SET}, or null (then
 *     remote operations are refused)
 * @param upsdPassword its password
 * @param mqttHost the gateway's MQTT host ({@code --mqtt host:port})
 * @param mqttPort its port
 * @param serial the device's serial in upsfleet ({@code --serial})
 * @param secret the device's secret ({@code --secret}, better {@code UPSFLEET_AGENT_SECRET})
 * @param caFile PEM file of the authority that signed the gateway's certificate: MQTT over TLS;
 *     null = plain MQTT
 * @param poll how often upsd is read ({@code --poll}, seconds)
 * @param buffer samples kept while the gateway is unreachable, at most ({@code --buffer})
 * @param commandMap instant commands used for upsfleet's operations, by operation ({@code --command
 *     OUTLET_GROUP_REBOOT:0=load.off}); the standard NUT names otherwise
 */
public record AgentSettings(
    String upsdHost,
    int upsdPort,
    String ups,
    String upsdUser,
    String upsdPassword,
    String mqttHost,
    int mqttPort,
    String serial,
    String secret,
    Path caFile,
    Duration poll,
    int buffer,
    Map<String, String> commandMap) {

  private static final Pattern SERIAL = Pattern.compile("[A-Z0-9]{8,20}");
  private static final Pattern UPS_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
  private static final Pattern INSTCMD = Pattern.compile("[a-z0-9_.]{1,64}");

  public AgentSettings {
    require(UPS_NAME.matcher(ups == null ? "" : ups).matches(), "ups", "a upsd UPS name");
    require(SERIAL.matcher(serial == null ? "" : serial).matches(), "serial", "[A-Z0-9]{8,20}");
    require(secret != null && !secret.isEmpty(), "secret", "the device secret");
    require(caFile == null || Files.isReadable(caFile), "ca-file", "a readable PEM file");
    require(
        poll.compareTo(Duration.ofSeconds(1)) >= 0 && poll.compareTo(Duration.ofMinutes(10)) <= 0,
        "poll",
        "1 to 600 seconds");
    require(buffer >= 1 && buffer <= 100_000, "buffer", "1 to 100000 samples");
    for (Map.Entry<String, String> e : commandMap.entrySet())
      require(INSTCMD.matcher(e.getValue()).matches(), "command", "OPERATION[:GROUP]=instcmd.name");
    commandMap = Map.copyOf(commandMap);
  }

  /** Reads {@code args} ({@code --name value} pairs) over {@code env}. */
  public static AgentSettings parse(String[] args, Map<String, String> env) {
    Map<String, String> opts = new HashMap<>();
    Map<String, String> commands = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (!a.startsWith("--") || i + 1 >= args.length)
        throw new IllegalArgumentException("expected --option value, got '" + a + "'");
      String name = a.substring(2);
      String value = args[++i];
      if (name.equals("command")) {
        int eq = value.indexOf('=');
        require(eq > 0, "command", "OPERATION[:GROUP]=instcmd.name");
        commands.put(value.substring(0, eq).toUpperCase(Locale.ROOT), value.substring(eq + 1));
      } else {
        opts.put(name, value);
      }
    }
    HostPort upsd = HostPort.parse("upsd", option(opts, env, "upsd", "127.0.0.1:3493"), 3493);
    HostPort mqtt = HostPort.parse("mqtt", option(opts, env, "mqtt", "127.0.0.1:1883"), 1883);
    String ca = option(opts, env, "ca-file", "");
    String pollText = option(opts, env, "poll", "5");
    String bufferText = option(opts, env, "buffer", "1000");
    int poll;
    int buffer;
    try {
      poll = Integer.parseInt(pollText);
      buffer = Integer.parseInt(bufferText);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--poll and --buffer take whole numbers");
    }
    return new AgentSettings(
        upsd.host(),
        upsd.port(),
        option(opts, env, "ups", null),
        option(opts, env, "upsd-user", null),
        option(opts, env, "upsd-password", ""),
        mqtt.host(),
        mqtt.port(),
        option(opts, env, "serial", null),
        option(opts, env, "secret", null),
        ca.isEmpty() ? null : Path.of(ca),
        Duration.ofSeconds(poll),
        buffer,
        commands);
  }

  /** The instant command for {@code operation} (and group), or {@code fallback}. */
  String command(String operation, String fallback) {
    return commandMap.getOrDefault(operation, fallback);
  }

  private static String option(
      Map<String, String> opts, Map<String, String> env, String name, String fallback) {
    String v = opts.get(name);
    if (v == null) v = env.get("UPSFLEET_AGENT_" + name.toUpperCase(Locale.ROOT).replace('-', '_'));
    return v == null ? fallback : v;
  }

  private static void require(boolean ok, String option, String what) {
    if (!ok)
      throw new IllegalArgumentException(
          "--"
              + option
              + " (UPSFLEET_AGENT_"
              + option.toUpperCase(Locale.ROOT).replace('-', '_')
              + ") must be "
              + what);
  }

  /** A host and port. */
  record HostPort(String host, int port) {
    static HostPort parse(String option, String text, int defaultPort) {
      int colon = text.lastIndexOf(':');
      String host = colon < 0 ? text : text.substring(0, colon);
      int port = defaultPort;
      if (colon >= 0) {
        try {
          port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
          port = -1;
        }
      }
      require(!host.isEmpty() && port > 0 && port <= 65535, option, "host:port");
      return new HostPort(host, port);
    }
  }

  @Override
  public String toString() {
    return "AgentSettings[upsd="
        + upsdHost
        + ":"
        + upsdPort
        + ", ups="
        + ups
        + ", mqtt="
        + mqttHost
        + ":"
        + mqttPort
        + ", serial="
        + serial
        + ", tls="
        + (caFile != null)
        + "]";
  }
}
