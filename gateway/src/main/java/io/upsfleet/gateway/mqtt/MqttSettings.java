package io.upsfleet.gateway.mqtt;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * Typed settings of the MQTT edge, block {@code upsfleet.gateway.mqtt}. Built once at start-up; a
 * bad value fails fast naming its key.
 *
 * @param host interface to bind
 * @param port TCP port (0 = any free port)
 * @param maxPacketBytes largest accepted MQTT packet (remaining length), bytes
 * @param connectTimeout time allowed between accept and CONNECT
 * @param maxKeepAlive keep-alive granted at most; 0 or larger requests are clamped to it
 * @param inFlightLimit QoS 1 publishes awaiting acknowledgement per connection before reads pause
 * @param inFlightStall how long reads may stay paused at the in-flight limit before the connection
 *     is cut
 * @param refusalDelay minimum time before a refused CONNACK, so refusals take the same time
 *     whatever the cause
 * @param maxClockSkew device clock difference beyond which a sample is flagged
 * @param credentialCacheSize device credentials kept in memory
 * @param unknownSerialTtl how long a serial without credential is remembered as unknown (0 = not
 *     remembered)
 * @param unknownSerialCacheSize unknown serials remembered at most
 * @param workerThreads Netty worker threads (0 = number of cores)
 * @param maxConcurrentAttaches CONNECTs authenticated and attached at once; the rest wait in line
 * @param maxWaitingAttaches CONNECTs that may wait in that line before new ones are refused (0x03)
 * @param attachRetryWithin how long an attach whose entity did not answer (its node died, its shard
 *     is moving) is asked again before the CONNECT is refused (0 = never again)
 */
public record MqttSettings(
    String host,
    int port,
    int maxPacketBytes,
    Duration connectTimeout,
    Duration maxKeepAlive,
    int inFlightLimit,
    Duration inFlightStall,
    Duration refusalDelay,
    Duration maxClockSkew,
    int credentialCacheSize,
    Duration unknownSerialTtl,
    int unknownSerialCacheSize,
    int workerThreads,
    int maxConcurrentAttaches,
    int maxWaitingAttaches,
    Duration attachRetryWithin) {

  public MqttSettings {
    check(port >= 0 && port <= 65535, "port", "must be 0..65535");
    check(
        maxPacketBytes >= 1024 && maxPacketBytes <= 1024 * 1024,
        "max-packet-size",
        "must be 1KiB..1MiB");
    check(
        !connectTimeout.isNegative() && !connectTimeout.isZero(),
        "connect-timeout",
        "must be positive");
    check(
        maxKeepAlive.getSeconds() >= 10 && maxKeepAlive.getSeconds() <= 65535,
        "max-keep-alive",
        "must be 10s..65535s");
    check(inFlightLimit >= 1 && inFlightLimit <= 1000, "in-flight-limit", "must be 1..1000");
    check(
        !inFlightStall.isNegative() && !inFlightStall.isZero(),
        "in-flight-stall",
        "must be positive");
    check(!refusalDelay.isNegative(), "refusal-delay", "must not be negative");
    check(!maxClockSkew.isNegative(), "max-clock-skew", "must not be negative");
    check(credentialCacheSize >= 0, "credential-cache-size", "must not be negative");
    check(
        !unknownSerialTtl.isNegative() && unknownSerialTtl.compareTo(Duration.ofHours(1)) <= 0,
        "unknown-serial-ttl",
        "must be 0..1h");
    check(unknownSerialCacheSize >= 0, "unknown-serial-cache-size", "must not be negative");
    check(workerThreads >= 0 && workerThreads <= 256, "worker-threads", "must be 0..256");
    check(
        maxConcurrentAttaches >= 1 && maxConcurrentAttaches <= 10_000,
        "max-concurrent-attaches",
        "must be 1..10000");
    check(
        maxWaitingAttaches >= 0 && maxWaitingAttaches <= 1_000_000,
        "max-waiting-attaches",
        "must be 0..1000000");
    check(
        !attachRetryWithin.isNegative() && attachRetryWithin.compareTo(Duration.ofMinutes(2)) <= 0,
        "attach-retry-within",
        "must be 0..2m");
  }

  public static MqttSettings fromConfig(Config root) {
    Config c = root.getConfig("upsfleet.gateway.mqtt");
    return new MqttSettings(
        c.getString("host"),
        c.getInt("port"),
        (int) Math.min(Integer.MAX_VALUE, c.getBytes("max-packet-size")),
        c.getDuration("connect-timeout"),
        c.getDuration("max-keep-alive"),
        c.getInt("in-flight-limit"),
        c.getDuration("in-flight-stall"),
        c.getDuration("refusal-delay"),
        c.getDuration("max-clock-skew"),
        c.getInt("credential-cache-size"),
        c.getDuration("unknown-serial-ttl"),
        c.getInt("unknown-serial-cache-size"),
        c.getInt("worker-threads"),
        c.getInt("max-concurrent-attaches"),
        c.getInt("max-waiting-attaches"),
        c.getDuration("attach-retry-within"));
  }

  private static void check(boolean ok, String key, String message) {
    if (!ok) throw new IllegalArgumentException("upsfleet.gateway.mqtt." + key + " " + message);
  }
}
