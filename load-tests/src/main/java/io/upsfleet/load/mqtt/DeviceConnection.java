package io.upsfleet.load.mqtt;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPubAckMessage;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.upsfleet.load.device.SimulatedUps;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One simulated device's MQTT 3.1.1 connection, driven entirely by one Netty event loop (no thread
 * per device): CONNECT with serial and secret, subscription to its command topic, telemetry on an
 * open-loop schedule (latency is measured from the intended send time), out-of-band samples on
 * status changes, events and command results at QoS 1, PINGREQ when idle, and reconnection with
 * exponential back-off and jitter. Every counter and latency goes to the shared {@link Stats}.
 */
public final class DeviceConnection {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** How a connection behaves. */
  public record Options(
      Duration telemetryInterval,
      boolean telemetryQos1,
      Duration tick,
      int keepAliveSeconds,
      boolean subscribeCommands,
      boolean authenticate,
      boolean sampleOnConnect) {
    /** Options whose first sample goes at a random moment of the first interval. */
    public Options(
        Duration telemetryInterval,
        boolean telemetryQos1,
        Duration tick,
        int keepAliveSeconds,
        boolean subscribeCommands,
        boolean authenticate) {
      this(
          telemetryInterval,
          telemetryQos1,
          tick,
          keepAliveSeconds,
          subscribeCommands,
          authenticate,
          false);
    }
  }

  private final SimulatedUps device;
  private final String telemetryTopic;
  private final String secret;
  private final Bootstrap bootstrap;
  private final List<InetSocketAddress> servers;
  private int serverIndex;
  private final InetSocketAddress local;
  private final Options options;
  private final Stats stats;

  /** The newest connection; written on the loop that opens it, read on its own loop. */
  private volatile Channel channel;

  private boolean connected;
  private boolean stopped;
  private long connectStartedNanos;
  private long backoffMillis = 1000;
  private long seq;
  private int packetId;
  private Instant lastTick;
  private boolean reportedOnBattery;

  /** When the next sample is due, exactly; it goes at the first grid point of the loop's clock. */
  private long nextTelemetryNanos;

  /** The generation of the latest step scheduled on the clock: earlier ones are stale. */
  private long timerGen;

  private final Map<Integer, long[]> inFlight =
      new HashMap<>(); // packet id -> {intended send nanos, kind}

  public DeviceConnection(
      SimulatedUps device,
      String secret,
      Bootstrap bootstrap,
      InetSocketAddress server,
      InetSocketAddress local,
      Options options,
      Stats stats) {
    this(device, secret, bootstrap, List.of(server), 0, local, options, stats);
  }

  /**
   * A device that knows several gateway nodes: it starts with {@code servers[first % n]} and moves
   * on to the next one whenever a connection attempt fails or an open connection drops (a node went
   * away).
   */
  public DeviceConnection(
      SimulatedUps device,
      String secret,
      Bootstrap bootstrap,
      List<InetSocketAddress> servers,
      int first,
      InetSocketAddress local,
      Options options,
      Stats stats) {
    if (servers.isEmpty()) throw new IllegalArgumentException("no server");
    this.device = device;
    this.telemetryTopic = "ups/" + device.serial() + "/telemetry";
    this.secret = secret;
    this.bootstrap = bootstrap;
    this.servers = List.copyOf(servers);
    this.serverIndex = Math.floorMod(first, servers.size());
    this.local = local;
    this.options = options;
    this.stats = stats;
  }

  public SimulatedUps device() {
    return device;
  }

  public boolean connected() {
    return connected;
  }

  /** Opens the connection (asynchronously). */
  public void start() {
    connectStartedNanos = System.nanoTime();
    ChannelFuture f =
        (local == null ? bootstrap.clone() : bootstrap.clone().localAddress(local))
            .handler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    channel = ch; // before any event of it, on its own loop
                    ch.pipeline()
                        .addLast(new MqttDecoder(256 * 1024), MqttEncoder.INSTANCE, new Handler());
                  }
                })
            .connect(servers.get(serverIndex));
    channel = f.channel();
    f.addListener(
        done -> {
          if (!done.isSuccess()) {
            stats.connectFailed();
            scheduleReconnect();
          }
        });
  }

  /** Runs {@code action} on the device from its own event loop (the device is not thread-safe). */
  public void onLoop(Consumer<SimulatedUps> action) {
    Channel ch = channel;
    if (ch != null) ch.eventLoop().execute(() -> action.accept(device));
  }

  /** Closes for good. */
  public void stop() {
    stopped = true;
    if (channel != null) channel.eventLoop().execute(() -> channel.close());
  }

  /** Drops the connection now; it reconnects by itself (fault injection, or a firmware reboot). */
  public void drop(Duration offlineFor) {
    if (channel == null) return;
    channel
        .eventLoop()
        .execute(
            () -> {
              backoffMillis = Math.max(1000, offlineFor.toMillis());
              channel.close();
            });
  }

  private void scheduleReconnect() {
    if (stopped) return;
    serverIndex = (serverIndex + 1) % servers.size();
    long jitter = ThreadLocalRandom.current().nextLong(backoffMillis / 2 + 1);
    long delay = backoffMillis / 2 + jitter;
    backoffMillis = Math.min(backoffMillis * 2, 60_000);
    channel.eventLoop().schedule(this::start, delay, TimeUnit.MILLISECONDS);
  }

  private final class Handler extends SimpleChannelInboundHandler<MqttMessage> {
    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      var connect =
          MqttMessageBuilders.connect()
              .clientId(device.serial())
              .protocolVersion(MqttVersion.MQTT_3_1_1)
              .cleanSession(true)
              .keepAlive(options.keepAliveSeconds());
      if (options.authenticate()) {
        connect
            .hasUser(true)
            .username(device.serial())
            .hasPassword(true)
            .password(secret.getBytes(StandardCharsets.UTF_8));
      }
      ctx.writeAndFlush(connect.build());
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, MqttMessage msg) {
      if (msg.decoderResult().isFailure()) {
        ctx.close();
        return;
      }
      switch (msg.fixedHeader().messageType()) {
        case CONNACK -> onConnAck(ctx, (MqttConnAckMessage) msg);
        case PUBACK -> onPubAck(((MqttPubAckMessage) msg).variableHeader().messageId());
        case PUBLISH -> onCommand(ctx, (MqttPublishMessage) msg);
        default -> {}
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (connected) stats.disconnected();
      connected = false;
      inFlight.clear();
      scheduleReconnect();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }

  private void onConnAck(ChannelHandlerContext ctx, MqttConnAckMessage ack) {
    if (ack.variableHeader().connectReturnCode() != MqttConnectReturnCode.CONNECTION_ACCEPTED) {
      stats.connectRefused();
      ctx.close();
      return;
    }
    stats.connected(System.nanoTime() - connectStartedNanos);
    connected = true;
    backoffMillis = 1000;
    if (options.subscribeCommands()) {
      ctx.writeAndFlush(
          MqttMessageBuilders.subscribe()
              .messageId(nextPacketId())
              .addSubscription(MqttQoS.AT_LEAST_ONCE, "ups/" + device.serial() + "/commands")
              .build());
    }
    lastTick = Instant.now();
    long interval = options.telemetryInterval().toNanos();
    // A real UPS reports its state when it connects; without that option the fleet's first
    // samples spread over one interval.
    nextTelemetryNanos =
        System.nanoTime()
            + (options.sampleOnConnect()
                ? 0
                : ThreadLocalRandom.current().nextLong(Math.max(1, interval)));
    scheduleNext(ctx.channel());
  }

  /**
   * The next step (telemetry send or physics tick, whichever comes first) on the loop's {@link
   * DeviceClock}: one timer per loop, not per device.
   */
  private void scheduleNext(Channel ch) {
    if (!connected || ch != channel) return;
    long due = Math.min(System.nanoTime() + options.tick().toNanos(), nextTelemetryNanos);
    long gen = ++timerGen;
    DeviceClock.of(ch.eventLoop()).schedule(() -> onClock(ch, gen), due);
  }

  /**
   * The loop's clock reached the step of generation {@code gen} on {@code ch}; stale when the
   * connection closed or another step was scheduled since.
   */
  private void onClock(Channel ch, long gen) {
    if (!ch.isActive() || ch != channel || gen != timerGen) return;
    step(ch);
  }

  private void step(Channel ch) {
    if (!connected || ch != channel) return;
    DeviceClock clock = DeviceClock.of(ch.eventLoop());
    Instant now = Instant.now();
    SimulatedUps.Output out = device.tick(now, Duration.between(lastTick, now));
    lastTick = now;
    for (SimulatedUps.CommandResult r : out.results()) publishResult(ch, r, now);
    for (SimulatedUps.DeviceEvent e : out.events()) publishEvent(ch, e, now);
    long nowNanos = System.nanoTime();
    long intendedNanos = clock.ceil(nextTelemetryNanos);
    if (nowNanos >= intendedNanos) {
      // Open loop: latency counts from the intended time (the grid point the sample was due at),
      // and the schedule never drifts with slowness.
      publishTelemetry(ch, now, intendedNanos);
      nextTelemetryNanos += options.telemetryInterval().toNanos();
      if (nextTelemetryNanos < nowNanos) {
        stats.behind();
        nextTelemetryNanos = nowNanos + options.telemetryInterval().toNanos();
      }
    } else if (out.statusChanged()) {
      publishTelemetry(ch, now, nowNanos); // a real UPS reports a status change at once
    }
    if (out.reboot()) {
      drop(Duration.ofSeconds(3));
      return;
    }
    scheduleNext(ch);
  }

  /**
   * The telemetry payload {@code device} sends now: its JSON body, written straight to bytes (no
   * tree of nodes per sample: the simulator must cost less than what it measures).
   */
  public static byte[] telemetryPayload(SimulatedUps device, Instant now, long seq) {
    ByteArrayBuilder out = new ByteArrayBuilder(640);
    try (JsonGenerator g = JSON.getFactory().createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("ts", now.toString());
      g.writeNumberField("seq", seq);
      for (Map.Entry<String, Object> e : device.telemetry().entrySet()) {
        g.writeFieldName(e.getKey());
        Object v = e.getValue();
        if (v instanceof Double d) g.writeNumber(d);
        else if (v instanceof Long l) g.writeNumber(l);
        else if (v instanceof Integer i) g.writeNumber(i);
        else if (v instanceof Boolean b) g.writeBoolean(b);
        else g.writeString(String.valueOf(v));
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private void publishTelemetry(Channel ch, Instant now, long intendedNanos) {
    publish(
        ch,
        telemetryTopic,
        telemetryPayload(device, now, ++seq),
        options.telemetryQos1(),
        intendedNanos,
        Stats.TELEMETRY);
    boolean onBattery = device.onBattery();
    if (onBattery && !reportedOnBattery)
      stats.onBatteryPublished(device.serial(), System.nanoTime());
    reportedOnBattery = onBattery;
  }

  private void publishEvent(Channel ch, SimulatedUps.DeviceEvent e, Instant now) {
    ObjectNode body = JSON.createObjectNode();
    body.put("ts", now.toString());
    body.put("seq", ++seq);
    body.put("type", e.type());
    ObjectNode details = body.putObject("details");
    e.details().forEach(details::put);
    publish(
        ch,
        "ups/" + device.serial() + "/events",
        bytes(body),
        true,
        System.nanoTime(),
        Stats.EVENT);
  }

  private void publishResult(Channel ch, SimulatedUps.CommandResult r, Instant now) {
    ObjectNode body = JSON.createObjectNode();
    body.put("ts", now.toString());
    body.put("seq", ++seq);
    body.put("id", r.id());
    body.put("status", r.status());
    if (r.phase() != null) {
      ObjectNode p = body.putObject("progress");
      p.put("phase", r.phase());
      if (r.percent() >= 0) p.put("percent", r.percent());
    }
    if (r.reason() != null) body.put("reason", r.reason());
    if (r.result() != null) body.put("result", r.result());
    publish(
        ch,
        "ups/" + device.serial() + "/commands/result",
        bytes(body),
        true,
        System.nanoTime(),
        Stats.RESULT);
  }

  private static byte[] bytes(ObjectNode body) {
    try {
      return JSON.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private void publish(
      Channel ch, String topic, byte[] bytes, boolean qos1, long intendedNanos, int kind) {
    var b =
        MqttMessageBuilders.publish()
            .topicName(topic)
            .retained(false)
            .qos(qos1 ? MqttQoS.AT_LEAST_ONCE : MqttQoS.AT_MOST_ONCE)
            .payload(Unpooled.wrappedBuffer(bytes));
    if (qos1) {
      int id = nextPacketId();
      b.messageId(id);
      inFlight.put(id, new long[] {intendedNanos, kind});
    }
    ch.writeAndFlush(b.build());
    stats.published(kind);
  }

  private void onPubAck(int id) {
    long[] sent = inFlight.remove(id);
    if (sent != null) stats.acknowledged((int) sent[1], System.nanoTime() - sent[0]);
  }

  private void onCommand(ChannelHandlerContext ctx, MqttPublishMessage p) {
    if (p.fixedHeader().qosLevel() == MqttQoS.AT_LEAST_ONCE) {
      ctx.writeAndFlush(
          new MqttPubAckMessage(
              new MqttFixedHeader(MqttMessageType.PUBACK, false, MqttQoS.AT_MOST_ONCE, false, 2),
              MqttMessageIdVariableHeader.from(p.variableHeader().packetId())));
    }
    try {
      JsonNode c = JSON.readTree(ByteBufUtil.getBytes(p.content()));
      Map<String, Object> params = new LinkedHashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = c.path("params").fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        params.put(
            e.getKey(),
            e.getValue().isNumber() ? (Object) e.getValue().numberValue() : e.getValue().asText());
      }
      Instant expires =
          c.hasNonNull("expiresAt") ? Instant.parse(c.get("expiresAt").asText()) : null;
      stats.commandReceived();
      device.receive(
          new SimulatedUps.Command(c.path("id").asText(), c.path("type").asText(), params, expires),
          Instant.now());
      step(ctx.channel()); // answer promptly
    } catch (IOException | RuntimeException e) {
      stats.badCommand();
    }
  }

  private int nextPacketId() {
    for (int i = 0; i < 65535; i++) {
      packetId = packetId % 65535 + 1;
      if (!inFlight.containsKey(packetId)) return packetId;
    }
    throw new IllegalStateException("all packet ids in flight");
  }
}
