package io.upsfleet.gateway.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3Client;
import io.upsfleet.api.rest.DeviceRegistration;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A UPS behind a TCP load balancer: one thread that keeps a connection to one of the nodes and
 * sends a sample every 500 ms and a device event (QoS 1) every second. When its connection dies it
 * reconnects to the next node that accepts it, and re-sends an event whose PUBACK it did not get
 * (same seq, type and time: the gateway stores it once). An event counts as acknowledged once its
 * PUBACK arrived.
 */
public final class SimulatedUps implements Runnable {
  private static final ObjectMapper JSON = new ObjectMapper();

  public final String serial;
  public final String secret;
  public final int[] ports;
  public final AtomicLong seq = new AtomicLong();
  public final AtomicInteger connects = new AtomicInteger();
  public final Set<String> ackedEvents = ConcurrentHashMap.newKeySet();
  public final Set<String> commandsReceived = ConcurrentHashMap.newKeySet();

  /** What happened to this device's connections, for the log of a slow run. */
  public final List<String> history = Collections.synchronizedList(new ArrayList<>());

  private final List<Long> ackNanos = Collections.synchronizedList(new ArrayList<>());
  private final Thread thread;
  private volatile boolean running = true;
  private volatile int portIndex;
  private volatile int connectedPort = -1;
  private Mqtt3AsyncClient client;
  private byte[] unacknowledged;
  private String unacknowledgedId;

  public SimulatedUps(DeviceRegistration reg, int[] ports, int firstNode) {
    this.serial = reg.serial();
    this.secret = reg.secret();
    this.ports = ports;
    this.portIndex = firstNode;
    this.thread = new Thread(this, "ups-" + serial);
    this.thread.setDaemon(true);
  }

  public void start() {
    thread.start();
  }

  /**
   * Seconds from {@code since} to the first event PUBACK after it (its entity persisted an event),
   * or NaN.
   */
  public double firstAckAfter(long since) {
    synchronized (ackNanos) {
      return ackNanos.stream()
          .filter(t -> t > since)
          .findFirst()
          .map(t -> (t - since) / 1e9)
          .orElse(Double.NaN);
    }
  }

  /** The MQTT port of the node it is connected to, or -1. */
  public int port() {
    return connectedPort;
  }

  public void stop() {
    running = false;
    thread.interrupt();
    try {
      thread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    disconnect();
  }

  @Override
  public void run() {
    long tick = 0;
    while (running) {
      try {
        if (client == null) connect();
        publish("telemetry", telemetry());
        if (unacknowledged == null && tick % 2 == 0) {
          long n = seq.incrementAndGet();
          unacknowledgedId = Long.toString(n);
          unacknowledged =
              ("{\"ts\":\""
                      + Instant.now()
                      + "\",\"seq\":"
                      + n
                      + ",\"type\":\"SELF_TEST_PASSED\",\"details\":{\"n\":\""
                      + n
                      + "\"}}")
                  .getBytes(StandardCharsets.UTF_8);
        }
        if (unacknowledged != null) {
          publish("events", unacknowledged);
          ackedEvents.add(unacknowledgedId);
          ackNanos.add(System.nanoTime());
          unacknowledged = null;
        }
        tick++;
        Thread.sleep(500);
      } catch (InterruptedException e) {
        return;
      } catch (Exception e) {
        // The connection died, was refused (0x03 while the device's entity moves) or a PUBACK did
        // not
        // come: drop it and try the next node.
        note("port " + ports[portIndex] + ": " + e);
        disconnect();
        portIndex = (portIndex + 1) % ports.length;
        try {
          Thread.sleep(300);
        } catch (InterruptedException ie) {
          return;
        }
      }
    }
  }

  private byte[] telemetry() {
    long n = seq.incrementAndGet();
    return ("{\"ts\":\""
            + Instant.now()
            + "\",\"seq\":"
            + n
            + ",\"ups.status\":\"OL CHRG\",\"ups.load\":"
            + (20 + n % 30)
            + ",\"battery.charge\":100,\"battery.runtime\":3600}")
        .getBytes(StandardCharsets.UTF_8);
  }

  public void note(String what) {
    history.add(LocalTime.now() + " " + what);
  }

  private void connect() throws Exception {
    int port = ports[portIndex];
    note("connecting to port " + port);
    Mqtt3AsyncClient c =
        Mqtt3Client.builder()
            .identifier(serial)
            .serverHost("127.0.0.1")
            .serverPort(port)
            .transportConfig()
            .socketConnectTimeout(2, TimeUnit.SECONDS)
            .mqttConnectTimeout(10, TimeUnit.SECONDS)
            .applyTransportConfig()
            .simpleAuth()
            .username(serial)
            .password(secret.getBytes(StandardCharsets.UTF_8))
            .applySimpleAuth()
            .buildAsync();
    client = c;
    c.connectWith().keepAlive(30).send().get(15, TimeUnit.SECONDS);
    c.subscribeWith()
        .topicFilter("ups/" + serial + "/commands")
        .qos(MqttQos.AT_LEAST_ONCE)
        .callback(p -> answer(c, p.getPayloadAsBytes()))
        .send()
        .get(10, TimeUnit.SECONDS);
    connectedPort = port;
    connects.incrementAndGet();
    note("connected and subscribed");
  }

  /**
   * Runs a command (a self-test that passes at once) and reports the result. A command received
   * again (re-sent after a reconnect) is reported again: the first report may have been lost with
   * the connection.
   */
  private void answer(Mqtt3AsyncClient c, byte[] command) {
    try {
      String id = JSON.readTree(command).path("id").asText();
      commandsReceived.add(id);
      byte[] result =
          ("{\"ts\":\""
                  + Instant.now()
                  + "\",\"seq\":"
                  + seq.incrementAndGet()
                  + ",\"id\":\""
                  + id
                  + "\",\"status\":\"SUCCEEDED\",\"result\":\"passed\"}")
              .getBytes(StandardCharsets.UTF_8);
      c.publishWith()
          .topic("ups/" + serial + "/commands/result")
          .qos(MqttQos.AT_LEAST_ONCE)
          .payload(result)
          .send();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void publish(String kind, byte[] payload) throws Exception {
    client
        .publishWith()
        .topic("ups/" + serial + "/" + kind)
        .qos(MqttQos.AT_LEAST_ONCE)
        .payload(payload)
        .send()
        .get(15, TimeUnit.SECONDS);
  }

  private void disconnect() {
    Mqtt3AsyncClient c = client;
    client = null;
    connectedPort = -1;
    if (c != null) {
      try {
        c.disconnect().get(2, TimeUnit.SECONDS);
      } catch (Exception e) {
        // already gone
      }
    }
  }
}
