package io.upsfleet.gateway.agent;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPubAckMessage;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The agent's MQTT 3.1.1 connection to the gateway, as a native device's: client id = user name =
 * the serial, the device secret as password, optional TLS, a subscription to {@code
 * ups/{serial}/commands}, QoS 1 publishes completed by their PUBACK. One connection at a time;
 * {@link #connect} opens a new one after the previous died.
 */
final class MqttLink implements AutoCloseable {
  private static final int KEEP_ALIVE_SECONDS = 30;
  private final String host;
  private final int port;
  private final String serial;
  private final byte[] secret;
  private final SslContext tls;
  private final Consumer<byte[]> onCommand;
  private final EventLoopGroup group =
      new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final Map<Integer, CompletableFuture<Void>> inFlight = new ConcurrentHashMap<>();
  private final AtomicInteger packetIds = new AtomicInteger();
  private volatile Channel channel;
  private volatile boolean connected;

  MqttLink(
      String host,
      int port,
      String serial,
      String secret,
      SslContext tls,
      Consumer<byte[]> onCommand) {
    this.host = host;
    this.port = port;
    this.serial = serial;
    this.secret = secret.getBytes(StandardCharsets.UTF_8);
    this.tls = tls;
    this.onCommand = onCommand;
  }

  boolean connected() {
    return connected && channel != null && channel.isActive();
  }

  /** Connects and subscribes; waits at most {@code timeoutMillis}. */
  void connect(long timeoutMillis) throws IOException {
    close(false);
    CompletableFuture<Void> accepted = new CompletableFuture<>();
    try {
      Channel ch =
          new Bootstrap()
              .group(group)
              .channel(NioSocketChannel.class)
              .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) timeoutMillis)
              .option(ChannelOption.TCP_NODELAY, true)
              .handler(
                  new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel c) {
                      if (tls != null) c.pipeline().addLast(tls.newHandler(c.alloc(), host, port));
                      c.pipeline()
                          .addLast(new IdleStateHandler(0, KEEP_ALIVE_SECONDS / 2, 0))
                          .addLast(new MqttDecoder(256 * 1024), MqttEncoder.INSTANCE)
                          .addLast(new Handler(accepted));
                    }
                  })
              .connect(host, port)
              .sync()
              .channel();
      channel = ch;
      accepted.get(timeoutMillis, TimeUnit.MILLISECONDS);
      connected = true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      close(false);
      throw new IOException("interrupted", e);
    } catch (Exception e) {
      close(false);
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new IOException("MQTT " + host + ":" + port + ": " + cause.getMessage(), cause);
    }
  }

  /** Publishes QoS 1; completes when the gateway acknowledged (stored) it. */
  CompletableFuture<Void> publish(String topic, byte[] payload) {
    Channel ch = channel;
    CompletableFuture<Void> acked = new CompletableFuture<>();
    if (ch == null || !connected) {
      acked.completeExceptionally(new IOException("not connected"));
      return acked;
    }
    int id = nextPacketId();
    inFlight.put(id, acked);
    ch.writeAndFlush(
            MqttMessageBuilders.publish()
                .topicName(topic)
                .retained(false)
                .qos(MqttQoS.AT_LEAST_ONCE)
                .messageId(id)
                .payload(Unpooled.wrappedBuffer(payload))
                .build())
        .addListener(
            f -> {
              if (!f.isSuccess()) {
                inFlight.remove(id);
                acked.completeExceptionally(f.cause());
              }
            });
    return acked;
  }

  private int nextPacketId() {
    return packetIds.updateAndGet(i -> i >= 65535 ? 1 : i + 1);
  }

  private final class Handler extends SimpleChannelInboundHandler<MqttMessage> {
    private final CompletableFuture<Void> accepted;

    Handler(CompletableFuture<Void> accepted) {
      this.accepted = accepted;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      ctx.writeAndFlush(
          MqttMessageBuilders.connect()
              .clientId(serial)
              .protocolVersion(MqttVersion.MQTT_3_1_1)
              .cleanSession(true)
              .keepAlive(KEEP_ALIVE_SECONDS)
              .hasUser(true)
              .username(serial)
              .hasPassword(true)
              .password(secret)
              .build());
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, MqttMessage msg) {
      if (msg.decoderResult().isFailure()) {
        ctx.close();
        return;
      }
      MqttMessageType type = msg.fixedHeader().messageType();
      if (type == MqttMessageType.CONNACK) {
        MqttConnectReturnCode code =
            ((MqttConnAckMessage) msg).variableHeader().connectReturnCode();
        if (code != MqttConnectReturnCode.CONNECTION_ACCEPTED) {
          accepted.completeExceptionally(new IOException("the gateway refused: " + code));
          ctx.close();
          return;
        }
        ctx.writeAndFlush(
            MqttMessageBuilders.subscribe()
                .messageId(nextPacketId())
                .addSubscription(MqttQoS.AT_LEAST_ONCE, "ups/" + serial + "/commands")
                .build());
      } else if (type == MqttMessageType.SUBACK) {
        accepted.complete(null);
      } else if (type == MqttMessageType.PUBACK) {
        CompletableFuture<Void> f =
            inFlight.remove(((MqttPubAckMessage) msg).variableHeader().messageId());
        if (f != null) f.complete(null);
      } else if (type == MqttMessageType.PUBLISH) {
        MqttPublishMessage p = (MqttPublishMessage) msg;
        // The command is handed over before its PUBACK: the agent remembers its id, so a re-send
        // after a lost PUBACK is not executed twice.
        onCommand.accept(ByteBufUtil.getBytes(p.content()));
        if (p.fixedHeader().qosLevel() == MqttQoS.AT_LEAST_ONCE) {
          ctx.writeAndFlush(
              MqttMessageBuilders.pubAck().packetId(p.variableHeader().packetId()).build());
        }
      }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
      if (evt instanceof IdleStateEvent) {
        ctx.writeAndFlush(
            new MqttMessage(
                new MqttFixedHeader(
                    MqttMessageType.PINGREQ, false, MqttQoS.AT_MOST_ONCE, false, 0)));
      }
      super.userEventTriggered(ctx, evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      connected = false;
      accepted.completeExceptionally(new IOException("connection closed"));
      inFlight.values().forEach(f -> f.completeExceptionally(new IOException("connection lost")));
      inFlight.clear();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }

  private void close(boolean forGood) {
    connected = false;
    Channel ch = channel;
    channel = null;
    if (ch != null) ch.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
    if (forGood)
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    close(true);
  }
}
