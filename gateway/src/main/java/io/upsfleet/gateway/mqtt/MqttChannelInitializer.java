package io.upsfleet.gateway.mqtt;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;

/**
 * Builds each device connection's pipeline, top to bottom: a guard on the first packet's protocol
 * name, the MQTT decoder (bounded packet size, client ids, strict UTF-8), the encoder, the connect
 * phase, the session phase. A keep-alive handler is added once CONNECT is accepted. TLS, when
 * added, is a prefix to this.
 */
final class MqttChannelInitializer extends ChannelInitializer<SocketChannel> {
  private static final int MAX_CLIENT_ID_LENGTH = 64;
  private final MqttEdge edge;

  MqttChannelInitializer(MqttEdge edge) {
    this.edge = edge;
  }

  @Override
  protected void initChannel(SocketChannel ch) {
    configure(ch.pipeline(), edge);
  }

  /** Adds the handlers to {@code p}; also used by the handler tests on an embedded channel. */
  static void configure(ChannelPipeline p, MqttEdge edge) {
    addCodec(p, edge.settings.maxPacketBytes());
    p.addLast("connect", new ConnectHandler(edge));
    p.addLast("session", new SessionHandler(edge));
  }

  /** The byte-level stages: protocol name guard, decoder and encoder (shared with fuzz tests). */
  static void addCodec(ChannelPipeline p, int maxPacketBytes) {
    p.addLast("protocolName", new ProtocolNameGuard());
    p.addLast("decoder", new MqttDecoder(maxPacketBytes, MAX_CLIENT_ID_LENGTH, true));
    p.addLast("encoder", MqttEncoder.INSTANCE);
  }
}
