package io.upsfleet.gateway.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttSubscribeMessage;
import io.netty.handler.codec.mqtt.MqttTopicSubscription;
import io.netty.handler.codec.mqtt.MqttUnsubscribeMessage;
import io.netty.util.ReferenceCountUtil;
import io.upsfleet.api.Serials;
import io.upsfleet.api.mqtt.DeviceTopic;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;

/**
 * Fuzzes the MQTT decode path of a device connection: the edge's own codec stages ({@link
 * ProtocolNameGuard}, Netty's {@code MqttDecoder} configured as in production, via {@link
 * MqttChannelInitializer#addCodec}) in an {@link EmbeddedChannel}, fed in arbitrary chunks, with a
 * last handler that reads each decoded packet the way the connect and session handlers do. No
 * exception may escape the pipeline, and every decoded packet's buffer is released. Runs only with
 * {@code -Pfuzz}; see docs/FUZZING.md.
 */
class MqttDecodeFuzz {
  private static final int MAX_PACKET = 64 * 1024; // the default max-packet-size
  private static final FuzzStats STATS = new FuzzStats();

  @AfterAll
  static void report() {
    STATS.write(MqttDecodeFuzz.class);
  }

  @FuzzTest
  void decode(FuzzedDataProvider data) {
    STATS.count("decode");
    Reader reader = new Reader();
    EmbeddedChannel ch = new EmbeddedChannel();
    MqttChannelInitializer.addCodec(ch.pipeline(), MAX_PACKET);
    ch.pipeline().addLast("reader", reader);
    List<ByteBuf> fed = new ArrayList<>();
    int chunks = data.consumeInt(1, 4);
    for (int i = 0; i < chunks && ch.isOpen(); i++) {
      byte[] bytes =
          i == chunks - 1
              ? data.consumeRemainingAsBytes()
              : data.consumeBytes(data.consumeInt(0, 512));
      ByteBuf buf = Unpooled.wrappedBuffer(bytes);
      fed.add(buf);
      ch.writeInbound(buf); // the pipeline owns it now
      ch.checkException(); // rethrows anything a handler threw
    }
    ch.finishAndReleaseAll();
    // Decoded contents are slices sharing their parent's count: 0 everywhere means nothing leaked.
    for (ByteBuf buf : fed) {
      // an empty input is the shared Unpooled.EMPTY_BUFFER, whose count never changes
      if (buf.capacity() > 0) assertEquals(0, buf.refCnt(), "input buffer not released");
    }
    for (MqttMessage m : reader.seen) {
      if (m.payload() instanceof ByteBuf content) {
        assertEquals(0, content.refCnt(), () -> "content not released: " + m);
      }
    }
  }

  /** Touches what the connect and session handlers read, then releases like they do. */
  private static final class Reader extends ChannelInboundHandlerAdapter {
    final List<MqttMessage> seen = new ArrayList<>();

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      MqttMessage m = (MqttMessage) msg;
      seen.add(m);
      try {
        if (m.decoderResult().isFailure()) return;
        switch (m.fixedHeader().messageType()) {
          case CONNECT -> {
            var c = (MqttConnectMessage) m;
            Serials.isValid(c.payload().clientIdentifier());
            if (c.variableHeader().hasUserName()) Serials.isValid(c.payload().userName());
            c.payload().passwordInBytes();
            c.variableHeader().keepAliveTimeSeconds();
          }
          case PUBLISH -> {
            var p = (MqttPublishMessage) m;
            String topic = p.variableHeader().topicName();
            if (topic != null) DeviceTopic.parse(topic);
            p.variableHeader().packetId();
            p.content().readableBytes();
          }
          case SUBSCRIBE -> {
            var s = (MqttSubscribeMessage) m;
            for (MqttTopicSubscription sub : s.payload().topicSubscriptions()) {
              DeviceTopic.parse(sub.topicFilter());
              sub.qualityOfService().value();
            }
          }
          case UNSUBSCRIBE -> ((MqttUnsubscribeMessage) m).payload().topics();
          default -> {}
        }
      } finally {
        ReferenceCountUtil.release(m);
      }
    }
  }
}
