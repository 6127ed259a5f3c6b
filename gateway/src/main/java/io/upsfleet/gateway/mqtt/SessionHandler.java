package io.upsfleet.gateway.mqtt;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPubAckMessage;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttSubAckMessage;
import io.netty.handler.codec.mqtt.MqttSubscribeMessage;
import io.netty.handler.codec.mqtt.MqttTopicSubscription;
import io.netty.handler.codec.mqtt.MqttUnsubscribeMessage;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.upsfleet.api.mqtt.DeviceTopic;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Packets of a connected session: PUBLISH (checked against the device's own topics, then handed to
 * the {@link MqttTranslator}), SUBSCRIBE/UNSUBSCRIBE (only the device's command topic is granted),
 * PINGREQ, PUBACK and DISCONNECT. Every protocol violation closes the connection with its reason.
 * PUBACKs leave in the order of their PUBLISHes; reads pause while too many QoS 1 publishes are in
 * flight.
 */
final class SessionHandler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(SessionHandler.class);

  /** The audit log keeps this many chars of a row's details. */
  private static final int MAX_AUDIT_DETAILS = 256;

  private final MqttEdge edge;
  private final MqttTranslator translator;

  SessionHandler(MqttEdge edge) {
    this.edge = edge;
    this.translator = new MqttTranslator(edge, this);
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    DeviceSession session = ctx.channel().attr(DeviceSession.KEY).get();
    if (session != null) session.translator = translator;
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    DeviceSession session = ctx.channel().attr(DeviceSession.KEY).get();
    MqttMessage m = (MqttMessage) msg;
    try {
      if (session.phase != DeviceSession.Phase.CONNECTED) return;
      if (m.decoderResult().isFailure()) {
        log.debug(
            "malformed packet from {}: {}", session.serial, m.decoderResult().cause().toString());
        session.close(DisconnectReason.MALFORMED_PACKET);
        return;
      }
      switch (m.fixedHeader().messageType()) {
        case PUBLISH -> onPublish(ctx, session, (MqttPublishMessage) m);
        case SUBSCRIBE -> onSubscribe(ctx, session, (MqttSubscribeMessage) m);
        case UNSUBSCRIBE -> onUnsubscribe(ctx, (MqttUnsubscribeMessage) m);
        case PINGREQ -> {
          ctx.writeAndFlush(
              new MqttMessage(
                  new MqttFixedHeader(
                      MqttMessageType.PINGRESP, false, MqttQoS.AT_MOST_ONCE, false, 0)));
          throttleIfUnread(session);
        }
        case PUBACK ->
            translator.onCommandAck(session, ((MqttPubAckMessage) m).variableHeader().messageId());
        case DISCONNECT -> session.close(DisconnectReason.CLIENT_DISCONNECT);
        // a second CONNECT, server-only packets, and QoS 2 flow packets
        default -> session.close(DisconnectReason.PROTOCOL_VIOLATION);
      }
    } finally {
      ReferenceCountUtil.release(m);
    }
  }

  private void onPublish(ChannelHandlerContext ctx, DeviceSession session, MqttPublishMessage p) {
    MqttQoS qos = p.fixedHeader().qosLevel();
    if (qos == MqttQoS.EXACTLY_ONCE || qos == MqttQoS.FAILURE) {
      session.close(DisconnectReason.UNSUPPORTED_QOS);
      return;
    }
    String topicName = p.variableHeader().topicName();
    if (topicName == null
        || topicName.isEmpty()
        || topicName.indexOf('+') >= 0
        || topicName.indexOf('#') >= 0) {
      session.close(DisconnectReason.INVALID_TOPIC);
      return;
    }
    var topic = DeviceTopic.parse(topicName);
    if (topic.isEmpty()
        || !topic.get().serial().equals(session.serial)
        || !topic.get().publishableByDevice()) {
      edge.sessions.audit(
          "device:" + session.serial,
          session.accountId,
          "mqtt.publish",
          truncate(topicName),
          "DENIED",
          "publish outside the device's own topics");
      session.close(DisconnectReason.TOPIC_NOT_ALLOWED);
      return;
    }
    byte[] payload =
        ByteBufUtil.getBytes(p.content()); // copied: nothing pooled leaves the pipeline
    DeviceSession.PendingAck ack = null;
    if (qos == MqttQoS.AT_LEAST_ONCE) {
      ack = new DeviceSession.PendingAck(p.variableHeader().packetId());
      session.acks.add(ack);
    }
    translator.onPublish(session, topic.get(), payload, ack, p.fixedHeader().isDup());
  }

  private void onSubscribe(
      ChannelHandlerContext ctx, DeviceSession session, MqttSubscribeMessage s) {
    List<Integer> granted = new ArrayList<>();
    List<String> denied = new ArrayList<>();
    boolean subscribedNow = false;
    for (MqttTopicSubscription sub : s.payload().topicSubscriptions()) {
      var topic = DeviceTopic.parse(sub.topicFilter());
      boolean own =
          topic.isPresent()
              && topic.get().serial().equals(session.serial)
              && topic.get().subscribableByDevice();
      if (own) {
        granted.add(Math.min(sub.qualityOfService().value(), MqttQoS.AT_LEAST_ONCE.value()));
        subscribedNow = true;
      } else {
        granted.add(MqttQoS.FAILURE.value());
        denied.add(sub.topicFilter());
      }
    }
    if (!denied.isEmpty()) {
      // One row per refused packet, however many filters it carries: a SUBSCRIBE is cheap to send,
      // an audit row is a database write.
      edge.sessions.audit(
          "device:" + session.serial,
          session.accountId,
          "mqtt.subscribe",
          session.serial,
          "DENIED",
          deniedFilters(denied));
    }
    MqttSubAckMessage ack =
        MqttMessageBuilders.subAck()
            .packetId(s.variableHeader().messageId())
            .addGrantedQoses(granted.stream().map(MqttQoS::valueOf).toArray(MqttQoS[]::new))
            .build();
    ctx.writeAndFlush(ack);
    if (subscribedNow) translator.onCommandsSubscribed(session);
  }

  /**
   * "N subscription filter(s) outside the device's own topics: a, b, … (+M more)": as many filters
   * as fit an audit row's details (256 chars), each sanitised for a log line.
   */
  static String deniedFilters(List<String> filters) {
    StringBuilder sb =
        new StringBuilder()
            .append(filters.size())
            .append(filters.size() == 1 ? " subscription filter" : " subscription filters")
            .append(" outside the device's own topics: ");
    for (int i = 0; i < filters.size(); i++) {
      String item = (i == 0 ? "" : ", ") + PayloadReader.excerpt(filters.get(i));
      int rest = filters.size() - i - 1;
      // room for this item and, unless it is the last, for the longest possible "(+N more)"
      int reserve = rest == 0 ? 0 : (" (+" + filters.size() + " more)").length();
      if (sb.length() + item.length() + reserve > MAX_AUDIT_DETAILS) {
        return sb.append(" (+").append(filters.size() - i).append(" more)").toString();
      }
      sb.append(item);
    }
    return sb.toString();
  }

  private void onUnsubscribe(ChannelHandlerContext ctx, MqttUnsubscribeMessage u) {
    ctx.writeAndFlush(
        new MqttMessage(
            new MqttFixedHeader(MqttMessageType.UNSUBACK, false, MqttQoS.AT_MOST_ONCE, false, 2),
            MqttMessageIdVariableHeader.from(u.variableHeader().messageId())));
  }

  /** Marks a PUBACK ready and sends every ready PUBACK at the head of the queue, in order. */
  void acknowledge(DeviceSession session, DeviceSession.PendingAck ack) {
    if (ack == null) return;
    ack.ready = true;
    boolean wrote = false;
    long now = System.nanoTime();
    while (!session.acks.isEmpty() && session.acks.peek().ready) {
      DeviceSession.PendingAck done = session.acks.poll();
      session.channel.write(MqttMessageBuilders.pubAck().packetId(done.packetId).build());
      edge.metrics.pubackLatency.record(now - done.receivedNanos, TimeUnit.NANOSECONDS);
      wrote = true;
    }
    if (wrote) session.channel.flush();
    throttleIfUnread(session);
  }

  /** A client that does not read its acknowledgements would make the server buffer without end. */
  private static void throttleIfUnread(DeviceSession session) {
    if (!session.channel.isWritable() && session.phase == DeviceSession.Phase.CONNECTED) {
      session.close(DisconnectReason.THROTTLED);
    }
  }

  /** Counts a publish entering persistence; pauses reads at the in-flight limit. */
  void inFlightStarted(DeviceSession session) {
    session.inFlight++;
    if (session.inFlight >= edge.settings.inFlightLimit()
        && session.channel.config().isAutoRead()) {
      session.channel.config().setAutoRead(false);
      long pausedAt = ++session.pauses;
      // Back-pressure first; a connection whose backlog does not drain in time is cut.
      session
          .channel
          .eventLoop()
          .schedule(
              () -> {
                if (session.pauses == pausedAt
                    && !session.channel.config().isAutoRead()
                    && session.phase == DeviceSession.Phase.CONNECTED) {
                  session.close(DisconnectReason.THROTTLED);
                }
              },
              edge.settings.inFlightStall().toMillis(),
              TimeUnit.MILLISECONDS);
    }
  }

  /** Counts a publish leaving persistence; resumes reads below half the limit. */
  void inFlightEnded(DeviceSession session) {
    session.inFlight--;
    if (session.phase == DeviceSession.Phase.CONNECTED
        && session.inFlight <= edge.settings.inFlightLimit() / 2
        && !session.channel.config().isAutoRead()) {
      session.channel.config().setAutoRead(true);
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof IdleStateEvent) {
      DeviceSession session = ctx.channel().attr(DeviceSession.KEY).get();
      if (session != null) session.close(DisconnectReason.KEEP_ALIVE_TIMEOUT);
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }

  private static String truncate(String s) {
    return s.length() <= 128 ? s : s.substring(0, 128);
  }
}
