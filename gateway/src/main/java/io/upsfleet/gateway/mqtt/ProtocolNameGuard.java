package io.upsfleet.gateway.mqtt;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Looks at the protocol name of the first packet before the MQTT decoder does: a CONNECT whose name
 * is neither {@code MQTT} nor {@code MQIsdp} is not an MQTT client, and is closed without a CONNACK
 * (the decoder cannot tell that case from an unsupported level, which does get CONNACK 0x01).
 * Anything else passes on untouched; the guard then leaves the pipeline. It reads at most a few
 * bytes.
 */
final class ProtocolNameGuard extends ByteToMessageDecoder {
  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    int start = in.readerIndex();
    if (in.readableBytes() < 1) return;
    if ((in.getUnsignedByte(start) & 0xF0) != 0x10) {
      done(ctx); // not a CONNECT: the connect phase closes it
      return;
    }
    int i = start + 1;
    for (int n = 0; ; n++) { // skip the remaining length: 1 to 4 bytes
      if (in.writerIndex() <= i) return;
      int b = in.getUnsignedByte(i++);
      if ((b & 0x80) == 0) break;
      if (n == 3) {
        close(ctx, in, DisconnectReason.MALFORMED_PACKET);
        return;
      }
    }
    if (in.writerIndex() < i + 2) return;
    int nameLength = in.getUnsignedShort(i);
    if (nameLength != 4 && nameLength != 6) {
      close(ctx, in, DisconnectReason.PROTOCOL_VIOLATION);
      return;
    }
    if (in.writerIndex() < i + 2 + nameLength) return;
    String name = in.toString(i + 2, nameLength, StandardCharsets.US_ASCII);
    if (name.equals("MQTT") || name.equals("MQIsdp")) {
      done(ctx);
    } else {
      close(ctx, in, DisconnectReason.PROTOCOL_VIOLATION);
    }
  }

  private void done(ChannelHandlerContext ctx) {
    ctx.pipeline().remove(this); // hands the buffered bytes to the decoder
  }

  private static void close(ChannelHandlerContext ctx, ByteBuf in, DisconnectReason reason) {
    in.skipBytes(in.readableBytes());
    DeviceSession session = ctx.channel().attr(DeviceSession.KEY).get();
    if (session != null) session.close(reason);
    else ctx.close();
  }
}
