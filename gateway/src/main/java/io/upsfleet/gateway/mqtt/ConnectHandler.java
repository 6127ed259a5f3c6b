package io.upsfleet.gateway.mqtt;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttIdentifierRejectedException;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttUnacceptableProtocolVersionException;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.upsfleet.api.Serials;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first phase of a connection: waits (bounded) for CONNECT, validates it, authenticates the
 * device, attaches the session to the device's entity, and answers CONNACK. Packets pipelined
 * behind CONNECT are held (bounded) until it is answered. Once connected it passes every packet on
 * to {@link SessionHandler}.
 */
final class ConnectHandler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(ConnectHandler.class);
  private static final AttributeKey<MqttVersion> CODEC_VERSION =
      AttributeKey.valueOf("NETTY_CODEC_MQTT_VERSION");
  private static final int MAX_EARLY_PACKETS = 16;

  private final MqttEdge edge;
  private ScheduledFuture<?> connectTimeout;

  ConnectHandler(MqttEdge edge) {
    this.edge = edge;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    DeviceSession session =
        new DeviceSession(
            ctx.channel(),
            ctx.channel().remoteAddress() instanceof InetSocketAddress remote
                ? remote.getAddress().getHostAddress() + ":" + remote.getPort()
                : "unknown");
    ctx.channel().attr(DeviceSession.KEY).set(session);
    edge.metrics.connections.incrementAndGet();
    long timeout = edge.settings.connectTimeout().toMillis();
    connectTimeout =
        ctx.executor()
            .schedule(
                () -> {
                  if (session.phase == DeviceSession.Phase.AWAITING_CONNECT)
                    session.close(DisconnectReason.CONNECT_TIMEOUT);
                },
                timeout,
                TimeUnit.MILLISECONDS);
    ctx.channel().closeFuture().addListener(f -> onClosed(session));
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    DeviceSession session = ctx.channel().attr(DeviceSession.KEY).get();
    MqttMessage m = (MqttMessage) msg;
    if (session.phase == DeviceSession.Phase.CONNECTED) {
      ctx.fireChannelRead(msg);
      return;
    }
    if (session.phase == DeviceSession.Phase.CLOSED) {
      release(m);
      return;
    }
    if (m.decoderResult().isFailure()) {
      onDecodeFailure(ctx, session, m.decoderResult().cause());
      return;
    }
    if (session.phase == DeviceSession.Phase.AUTHENTICATING) {
      if (m.fixedHeader().messageType() == MqttMessageType.CONNECT
          || session.early.size() >= MAX_EARLY_PACKETS) {
        release(m);
        session.close(DisconnectReason.PROTOCOL_VIOLATION);
      } else {
        session.early.add(m);
      }
      return;
    }
    if (m.fixedHeader().messageType() != MqttMessageType.CONNECT) {
      release(m);
      session.close(
          DisconnectReason.PROTOCOL_VIOLATION); // first packet must be CONNECT: close, no response
      return;
    }
    onConnect(ctx, session, (MqttConnectMessage) m);
  }

  private void onDecodeFailure(ChannelHandlerContext ctx, DeviceSession session, Throwable cause) {
    if (session.phase == DeviceSession.Phase.AWAITING_CONNECT
        && cause instanceof MqttUnacceptableProtocolVersionException) {
      refuseNow(
          ctx,
          session,
          MqttConnectReturnCode.CONNECTION_REFUSED_UNACCEPTABLE_PROTOCOL_VERSION,
          "unsupported_protocol");
    } else if (session.phase == DeviceSession.Phase.AWAITING_CONNECT
        && cause instanceof MqttIdentifierRejectedException) {
      refuseNow(
          ctx,
          session,
          MqttConnectReturnCode.CONNECTION_REFUSED_IDENTIFIER_REJECTED,
          "identifier_rejected");
    } else {
      log.debug("malformed packet from {}: {}", session.remoteAddress, cause.toString());
      session.close(DisconnectReason.MALFORMED_PACKET);
    }
  }

  private void onConnect(
      ChannelHandlerContext ctx, DeviceSession session, MqttConnectMessage connect) {
    connectTimeout.cancel(false);
    Instant received = edge.clock.instant();
    var header = connect.variableHeader();
    var payload = connect.payload();
    if (header.version() != MqttVersion.MQTT_3_1_1.protocolLevel()) {
      refuseNow(
          ctx,
          session,
          MqttConnectReturnCode.CONNECTION_REFUSED_UNACCEPTABLE_PROTOCOL_VERSION,
          "unsupported_protocol");
      return;
    }
    boolean inconsistent =
        (header.hasPassword() && !header.hasUserName())
            || (!header.isWillFlag() && (header.willQos() != 0 || header.isWillRetain()));
    if (inconsistent) {
      session.close(DisconnectReason.PROTOCOL_VIOLATION); // inconsistent flags: close, no CONNACK
      return;
    }
    String clientId = payload.clientIdentifier();
    session.phase = DeviceSession.Phase.AUTHENTICATING;
    session.claimed =
        Serials.isValid(clientId)
            ? clientId
            : header.hasUserName() && Serials.isValid(payload.userName())
                ? payload.userName()
                : "unknown";
    if (clientId == null || !Serials.isValid(clientId)) {
      refuseLater(
          ctx,
          session,
          received,
          MqttConnectReturnCode.CONNECTION_REFUSED_IDENTIFIER_REJECTED,
          "identifier_rejected");
      return;
    }
    session.serial = clientId;
    Optional<Set<String>> certified = DeviceCertificates.names(ctx.pipeline());
    if (certified.isPresent() && !certified.get().contains(clientId)) {
      // A verified certificate of another device: refused, whatever secret comes with it.
      refuseLater(
          ctx,
          session,
          received,
          MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED,
          "certificate_mismatch");
      return;
    }
    boolean byCertificate = certified.isPresent() && !header.hasPassword();
    if (!byCertificate
        && (!header.hasUserName() || !header.hasPassword() || payload.passwordInBytes() == null)) {
      refuseLater(
          ctx,
          session,
          received,
          MqttConnectReturnCode.CONNECTION_REFUSED_BAD_USER_NAME_OR_PASSWORD,
          "bad_credentials");
      return;
    }
    if (header.hasUserName() && !clientId.equals(payload.userName())) {
      refuseLater(
          ctx,
          session,
          received,
          MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED,
          "client_id_mismatch");
      return;
    }
    if (header.isWillFlag()) {
      // Wills are not part of the device protocol; refusing is clearer than silently dropping one.
      refuseLater(
          ctx,
          session,
          received,
          MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED,
          "will_not_supported");
      return;
    }
    int keepAlive = clampKeepAlive(header.keepAliveTimeSeconds());
    ctx.channel().config().setAutoRead(false);
    byte[] password = byCertificate ? null : payload.passwordInBytes();
    boolean admitted =
        edge.attachGate.enter(
            () ->
                ctx.executor()
                    .execute(
                        () -> {
                          if (session.phase != DeviceSession.Phase.AUTHENTICATING) {
                            edge.attachGate.leave(); // the client went away while it waited
                            return;
                          }
                          authenticateAndAttach(
                              ctx, session, clientId, password, received, keepAlive);
                        }));
    if (!admitted) {
      refuseLater(
          ctx,
          session,
          received,
          MqttConnectReturnCode.CONNECTION_REFUSED_SERVER_UNAVAILABLE,
          "overloaded");
    }
  }

  /** Runs inside the attach gate: every path out of it leaves the gate exactly once. */
  private void authenticateAndAttach(
      ChannelHandlerContext ctx,
      DeviceSession session,
      String clientId,
      byte[] password,
      Instant received,
      int keepAlive) {
    (password == null
            ? edge.sessions.authenticateCertified(clientId)
            : edge.sessions.authenticate(clientId, password))
        .whenComplete(
            (account, err) ->
                ctx.executor()
                    .execute(
                        () -> {
                          if (session.phase != DeviceSession.Phase.AUTHENTICATING
                              || err != null
                              || account.isEmpty()) {
                            edge.attachGate.leave();
                          }
                          if (session.phase != DeviceSession.Phase.AUTHENTICATING) return;
                          if (err != null) {
                            log.atWarn()
                                .addKeyValue("serial", clientId)
                                .log(
                                    "credential lookup failed for {}: {}",
                                    clientId,
                                    err.toString());
                            refuseLater(
                                ctx,
                                session,
                                received,
                                MqttConnectReturnCode.CONNECTION_REFUSED_SERVER_UNAVAILABLE,
                                "server_unavailable");
                          } else if (account.isEmpty()) {
                            refuseLater(
                                ctx,
                                session,
                                received,
                                MqttConnectReturnCode.CONNECTION_REFUSED_BAD_USER_NAME_OR_PASSWORD,
                                "bad_credentials");
                          } else {
                            attach(ctx, session, account.get(), keepAlive);
                          }
                        }));
  }

  private void attach(
      ChannelHandlerContext ctx, DeviceSession session, UUID account, int keepAlive) {
    session.accountId = account;
    session.telemetry = edge.sessions.telemetry(session.serial);
    edge.sessions
        .attach(session.serial, session.remoteAddress, session)
        .whenComplete(
            (epoch, err) ->
                ctx.executor()
                    .execute(
                        () -> {
                          edge.attachGate.leave();
                          if (err == null) {
                            session.epoch = epoch;
                            if (session.phase != DeviceSession.Phase.AUTHENTICATING) {
                              edge.sessions.detach(
                                  session.serial, epoch, DisconnectReason.CONNECTION_CLOSED.name());
                              return;
                            }
                            accept(ctx, session, keepAlive);
                          } else {
                            log.atWarn()
                                .addKeyValue("serial", session.serial)
                                .log("attach of {} failed: {}", session.serial, err.toString());
                            refuseNow(
                                ctx,
                                session,
                                MqttConnectReturnCode.CONNECTION_REFUSED_SERVER_UNAVAILABLE,
                                "server_unavailable");
                          }
                        }));
  }

  private void accept(ChannelHandlerContext ctx, DeviceSession session, int keepAlive) {
    session.phase = DeviceSession.Phase.CONNECTED;
    edge.metrics.connect("accepted");
    // MQTT 3.1.1 §3.1.2.10: the server disconnects after one and a half keep-alive periods of
    // silence.
    long idleMillis = keepAlive * 1500L;
    ctx.pipeline()
        .addBefore(
            ctx.name(), "keepAlive", new IdleStateHandler(idleMillis, 0, 0, TimeUnit.MILLISECONDS));
    ctx.writeAndFlush(
        MqttMessageBuilders.connAck()
            .returnCode(MqttConnectReturnCode.CONNECTION_ACCEPTED)
            .sessionPresent(false)
            .build());
    while (!session.early.isEmpty() && session.phase == DeviceSession.Phase.CONNECTED) {
      ctx.fireChannelRead(session.early.poll());
    }
    ctx.channel().config().setAutoRead(true);
  }

  private int clampKeepAlive(int requested) {
    int max = (int) edge.settings.maxKeepAlive().getSeconds();
    return requested <= 0 || requested > max ? max : requested;
  }

  /**
   * Answers a refusal no earlier than {@code refusal-delay} after CONNECT, so every cause takes as
   * long.
   */
  private void refuseLater(
      ChannelHandlerContext ctx,
      DeviceSession session,
      Instant received,
      MqttConnectReturnCode code,
      String outcome) {
    session.phase = DeviceSession.Phase.AUTHENTICATING;
    long waited = Duration.between(received, edge.clock.instant()).toMillis();
    long remaining = Math.max(0, edge.settings.refusalDelay().toMillis() - waited);
    ctx.channel().config().setAutoRead(false);
    ctx.executor()
        .schedule(() -> refuseNow(ctx, session, code, outcome), remaining, TimeUnit.MILLISECONDS);
  }

  private void refuseNow(
      ChannelHandlerContext ctx,
      DeviceSession session,
      MqttConnectReturnCode code,
      String outcome) {
    if (session.phase == DeviceSession.Phase.CLOSED) return;
    edge.metrics.connect(outcome);
    String who =
        session.serial != null
            ? session.serial
            : session.claimed != null ? session.claimed : "unknown";
    edge.sessions.audit(
        "device:" + who,
        session.accountId,
        "mqtt.connect",
        who,
        "DENIED",
        outcome + " from " + session.remoteAddress);
    session.phase = DeviceSession.Phase.CLOSED;
    if (session.closeReason == null) session.closeReason = DisconnectReason.REFUSED;
    ctx.channel().attr(CODEC_VERSION).set(MqttVersion.MQTT_3_1_1); // answer refusals in 3.1.1 form
    MqttConnAckMessage ack =
        MqttMessageBuilders.connAck().returnCode(code).sessionPresent(false).build();
    ctx.writeAndFlush(ack).addListener(f -> ctx.channel().close());
  }

  private void onClosed(DeviceSession session) {
    if (connectTimeout != null) connectTimeout.cancel(false);
    edge.metrics.connections.decrementAndGet();
    DisconnectReason reason =
        session.closeReason == null ? DisconnectReason.CONNECTION_CLOSED : session.closeReason;
    edge.metrics.disconnected(reason);
    boolean wasConnected = session.phase == DeviceSession.Phase.CONNECTED || session.epoch > 0;
    session.phase = DeviceSession.Phase.CLOSED;
    session.early.forEach(ConnectHandler::release);
    session.early.clear();
    session.closed.complete(null);
    if (wasConnected && session.epoch > 0 && reason != DisconnectReason.TAKEN_OVER) {
      edge.sessions.detach(session.serial, session.epoch, reason.name());
    }
    log.debug("connection {} of {} closed: {}", session.remoteAddress, session.serial, reason);
  }

  static void release(MqttMessage m) {
    ReferenceCountUtil.release(m);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    DeviceSession session = ctx.channel().attr(DeviceSession.KEY).get();
    log.debug("connection error: {}", cause.toString());
    if (session != null) session.close(DisconnectReason.CONNECTION_CLOSED);
    else ctx.close();
  }

  static Optional<DeviceSession> sessionOf(ChannelHandlerContext ctx) {
    return Optional.ofNullable(ctx.channel().attr(DeviceSession.KEY).get());
  }
}
