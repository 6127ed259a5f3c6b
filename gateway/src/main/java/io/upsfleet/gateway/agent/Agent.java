package io.upsfleet.gateway.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.upsfleet.cluster.device.StatusFlag;
import io.upsfleet.cluster.device.TelemetryVariable;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One agent: a thread that polls upsd every {@code poll}, publishes each sample as a native
 * device's telemetry (QoS 1, in order, with {@code boot} = the agent's start so that samples
 * buffered across reconnects keep their order), and executes the commands the gateway sends. While
 * the gateway is unreachable samples wait in a bounded buffer (the oldest dropped first); while
 * upsd is unreachable nothing is sent (the gateway marks the device offline after its grace period,
 * as for a dead UPS).
 */
public final class Agent implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Agent.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int REMEMBERED_COMMANDS = 1000;

  private final AgentSettings settings;
  private final UpsdClient upsd;
  private final MqttLink mqtt;
  private final BlockingQueue<byte[]> commands = new LinkedBlockingQueue<>(1000);
  private final ArrayDeque<Outgoing> outbox = new ArrayDeque<>();
  private final Map<String, Boolean> executed =
      new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> e) {
          return size() > REMEMBERED_COMMANDS;
        }
      };
  private final long boot = Instant.now().getEpochSecond();
  private final AtomicLong seq = new AtomicLong();
  private final AtomicLong published = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private final Thread thread;
  private volatile boolean running = true;
  private String pendingSelfTest;
  private String lastTestResult;

  private record Outgoing(String topic, byte[] payload) {}

  public Agent(AgentSettings settings) {
    this.settings = settings;
    this.upsd =
        new UpsdClient(
            settings.upsdHost(),
            settings.upsdPort(),
            settings.upsdUser(),
            settings.upsdPassword(),
            5000);
    this.mqtt =
        new MqttLink(
            settings.mqttHost(),
            settings.mqttPort(),
            settings.serial(),
            settings.secret(),
            tls(settings),
            payload -> {
              if (!commands.offer(payload)) log.warn("command dropped: too many waiting");
            });
    this.thread = new Thread(this::run, "upsfleet-agent-" + settings.serial());
  }

  private static SslContext tls(AgentSettings s) {
    if (s.caFile() == null) return null;
    try {
      return SslContextBuilder.forClient().trustManager(s.caFile().toFile()).build();
    } catch (Exception e) {
      throw new IllegalArgumentException("--ca-file " + s.caFile() + ": " + e.getMessage(), e);
    }
  }

  /** {@code upsfleet agent --upsd host:port --ups NAME --mqtt host:port --serial S --secret X}. */
  public static void main(String[] args) {
    AgentSettings settings;
    try {
      settings = AgentSettings.parse(args, System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println("upsfleet agent: " + e.getMessage());
      System.err.println(USAGE);
      System.exit(2);
      return;
    }
    Agent agent = new Agent(settings).start();
    Runtime.getRuntime().addShutdownHook(new Thread(agent::close, "upsfleet-agent-stop"));
    log.info("agent started: {}", settings);
    try {
      agent.thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static final String USAGE =
      "usage: upsfleet agent --upsd HOST:PORT --ups NAME --mqtt HOST:PORT --serial SERIAL --secret SECRET\n"
          + "         [--upsd-user USER --upsd-password PASSWORD] [--ca-file CA.pem] [--poll SECONDS]\n"
          + "         [--buffer SAMPLES] [--command OPERATION[:GROUP]=instcmd]...\n"
          + "  every option also as UPSFLEET_AGENT_<NAME> (e.g. UPSFLEET_AGENT_SECRET); README, 'NUT'";

  public Agent start() {
    thread.start();
    return this;
  }

  /** Samples and results the gateway acknowledged. */
  public long published() {
    return published.get();
  }

  /** Samples dropped because the buffer was full. */
  public long dropped() {
    return dropped.get();
  }

  /** Messages waiting for the gateway. */
  public synchronized int buffered() {
    return outbox.size();
  }

  private void run() {
    long backoff = 1000;
    long nextMqttTry = 0;
    while (running) {
      long due = System.nanoTime() + settings.poll().toNanos();
      if (!mqtt.connected() && System.nanoTime() >= nextMqttTry) {
        try {
          mqtt.connect(10_000);
          log.info("connected to the gateway at {}:{}", settings.mqttHost(), settings.mqttPort());
          backoff = 1000;
        } catch (IOException e) {
          log.warn("gateway not reachable ({}); retrying in {} ms", e.getMessage(), backoff);
          nextMqttTry = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(backoff);
          backoff = Math.min(backoff * 2, 30_000);
        }
      }
      poll();
      flush();
      try {
        while (running) {
          long left = due - System.nanoTime();
          if (left <= 0) break;
          byte[] cmd = commands.poll(left, TimeUnit.NANOSECONDS);
          if (cmd != null) {
            execute(cmd);
            flush();
          }
        }
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** Reads upsd once; a sample goes to the outbox. */
  private void poll() {
    Map<String, String> vars;
    try {
      vars = upsd.variables(settings.ups());
    } catch (IOException e) {
      log.warn(
          "upsd {}:{} not readable: {}", settings.upsdHost(), settings.upsdPort(), e.getMessage());
      return;
    }
    checkSelfTest(vars.get("ups.test.result"));
    sample(vars, boot, seq.incrementAndGet(), Instant.now())
        .ifPresent(s -> enqueue(new Outgoing("ups/" + settings.serial() + "/telemetry", bytes(s))));
  }

  /**
   * A native device's telemetry sample of upsd's variables: the known NUT variables whose values
   * the gateway accepts (others left out, so that one odd value cannot reject the whole sample),
   * {@code ups.status} reduced to the accepted flags; empty while upsd has no status (WAIT).
   */
  static Optional<ObjectNode> sample(Map<String, String> vars, long boot, long seq, Instant now) {
    String status = vars.get("ups.status");
    if (status == null) return Optional.empty();
    List<String> flags = new ArrayList<>();
    for (String token : status.trim().split("\\s+")) {
      if (StatusFlag.fromToken(token).isPresent()) flags.add(token);
    }
    if (flags.isEmpty()) return Optional.empty();
    ObjectNode o = JSON.createObjectNode();
    o.put("ts", now.toString());
    o.put("seq", seq);
    o.put("boot", boot);
    o.put("ups.status", String.join(" ", flags));
    for (Map.Entry<String, String> e : vars.entrySet()) {
      Optional<TelemetryVariable> v = TelemetryVariable.fromWireName(e.getKey());
      if (v.isEmpty() || v.get() == TelemetryVariable.UPS_STATUS) continue;
      if (v.get().kind() == TelemetryVariable.Kind.NUMBER) {
        try {
          double d = Double.parseDouble(e.getValue().trim());
          if (v.get().checkNumber(d).isEmpty()) o.put(e.getKey(), d);
        } catch (NumberFormatException ignored) {
          // not a number: left out
        }
      } else if (v.get().checkText(e.getValue()).isEmpty()) {
        o.put(e.getKey(), e.getValue());
      }
    }
    return Optional.of(o);
  }

  private synchronized void enqueue(Outgoing m) {
    while (outbox.size() >= settings.buffer()) {
      outbox.pollFirst();
      dropped.incrementAndGet();
    }
    outbox.addLast(m);
  }

  private synchronized Outgoing peek() {
    return outbox.peekFirst();
  }

  private synchronized void remove(Outgoing m) {
    if (outbox.peekFirst() == m) outbox.pollFirst();
  }

  /** Sends the outbox in order, each after the previous was acknowledged; stops at a failure. */
  private void flush() {
    while (running && mqtt.connected()) {
      Outgoing m = peek();
      if (m == null) return;
      try {
        mqtt.publish(m.topic(), m.payload()).get(15, TimeUnit.SECONDS);
        remove(m);
        published.incrementAndGet();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (Exception e) {
        log.warn("the gateway did not acknowledge: {}", e.toString());
        return;
      }
    }
  }

  // ------------------------------------------------------------------------------ commands

  private void execute(byte[] payload) {
    JsonNode c;
    try {
      c = JSON.readTree(payload);
    } catch (IOException e) {
      log.warn("unreadable command ignored: {}", e.getMessage());
      return;
    }
    String id = c.path("id").asText("");
    if (id.isEmpty() || executed.containsKey(id)) return; // at most once per id
    executed.put(id, true);
    String type = c.path("type").asText("");
    JsonNode expires = c.path("expiresAt");
    if (expires.isTextual() && Instant.parse(expires.asText()).isBefore(Instant.now())) {
      result(id, "REJECTED", "expired before the agent could start it", null);
      return;
    }
    String upsName = settings.ups();
    try {
      switch (type) {
        case "SELF_TEST":
          {
            String cmd = settings.command("SELF_TEST", "test.battery.start.quick");
            if (instcmd(id, cmd)) {
              pendingSelfTest = id;
              result(id, "IN_PROGRESS", null, null);
            }
            return;
          }
        case "OUTLET_GROUP_REBOOT":
          {
            int group = c.path("params").path("group").asInt(0);
            String cmd =
                settings.command(
                    "OUTLET_GROUP_REBOOT:" + group,
                    group == 0 ? "load.cycle" : "outlet." + group + ".load.cycle");
            if (instcmd(id, cmd)) result(id, "SUCCEEDED", null, null);
            return;
          }
        case "SET_INPUT_SENSITIVITY":
          {
            String level = c.path("params").path("sensitivity").asText("");
            String reply = upsd.setVar(upsName, "input.sensitivity", level);
            if (reply.startsWith("OK")) result(id, "SUCCEEDED", null, null);
            else result(id, "FAILED", "upsd: " + reply, null);
            return;
          }
        default:
          result(id, "REJECTED", type + " is not offered through NUT", null);
      }
    } catch (IOException e) {
      result(id, "FAILED", "upsd not reachable: " + e.getMessage(), null);
    }
  }

  /** Runs an instant command the UPS has; false (with the result reported) when it cannot. */
  private boolean instcmd(String id, String cmd) throws IOException {
    if (!upsd.commands(settings.ups()).contains(cmd)) {
      result(id, "REJECTED", "the UPS's NUT driver has no instant command " + cmd, null);
      return false;
    }
    String reply = upsd.instcmd(settings.ups(), cmd);
    log.info("INSTCMD {} {}: {}", settings.ups(), cmd, reply);
    if (!reply.startsWith("OK")) {
      result(id, "FAILED", "upsd: " + reply, null);
      return false;
    }
    return true;
  }

  /** Ends a running self-test when upsd's {@code ups.test.result} tells how it went. */
  private void checkSelfTest(String testResult) {
    if (pendingSelfTest == null || testResult == null || testResult.equals(lastTestResult)) {
      lastTestResult = testResult;
      return;
    }
    lastTestResult = testResult;
    String t = testResult.toLowerCase();
    if (t.contains("pass")) {
      result(pendingSelfTest, "SUCCEEDED", null, "passed");
      pendingSelfTest = null;
    } else if (t.contains("fail") || t.contains("warn")) {
      result(pendingSelfTest, "SUCCEEDED", null, "failed");
      pendingSelfTest = null;
    }
  }

  private void result(String id, String status, String reason, String result) {
    ObjectNode o = JSON.createObjectNode();
    o.put("ts", Instant.now().toString());
    o.put("seq", seq.incrementAndGet());
    o.put("id", id);
    o.put("status", status);
    if (reason != null) o.put("reason", reason.length() > 200 ? reason.substring(0, 200) : reason);
    if (result != null) o.put("result", result);
    log.info("operation {}: {}{}", id, status, reason == null ? "" : " (" + reason + ")");
    enqueue(new Outgoing("ups/" + settings.serial() + "/commands/result", bytes(o)));
  }

  private static byte[] bytes(ObjectNode o) {
    try {
      return JSON.writeValueAsBytes(o);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
    try {
      thread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    mqtt.close();
    upsd.close();
  }
}
