package io.upsfleet.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3Client;
import io.upsfleet.api.client.UpsfleetClient;
import io.upsfleet.api.rest.DeviceRegistration;
import io.upsfleet.gateway.testing.GatewayFixture;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Down;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A node whose cluster is gone closes its MQTT listener, every device connection and its HTTP
 * listener (so its devices go to the other nodes) and says why at ERROR; a node embedded in a JVM
 * that is not its own (this test's) leaves the JVM running, and {@link GatewayNode#close} still
 * works afterwards. The three-process case, where the node's process exits, is {@link
 * PartitionedNodeIT}.
 */
class DownedNodeIT {

  @Test
  void aDownedNodeClosesItsListenersAndDeviceConnections() throws Exception {
    closesItsListenersWhen(
        "DownedNodeIT-down",
        system -> {
          Cluster cluster = Cluster.get(system);
          cluster.manager().tell(new Down(cluster.selfMember().address()));
        },
        "this node was downed");
  }

  @Test
  void aNodeWhoseActorSystemTerminatesClosesItsListenersAndDeviceConnections() throws Exception {
    closesItsListenersWhen(
        "DownedNodeIT-terminate",
        ActorSystem::terminate,
        "this node's actor system is terminating");
  }

  private static void closesItsListenersWhen(
      String name, Consumer<ActorSystem<Void>> stop, String why) throws Exception {
    Logger nodeLog = (Logger) LoggerFactory.getLogger(GatewayNode.class);
    ListAppender<ILoggingEvent> logged = new ListAppender<>();
    logged.start();
    nodeLog.addAppender(logged);
    try (GatewayFixture gw = GatewayFixture.start(name)) {
      UpsfleetClient support = gw.support();
      String account = support.createAccount("Downed Co").id();
      String serial = GatewayFixture.uniqueSerial();
      DeviceRegistration reg = support.registerDevice(serial, "SMT1500C", account);
      CountDownLatch disconnected = new CountDownLatch(1);
      Mqtt3BlockingClient device =
          Mqtt3Client.builder()
              .identifier(serial)
              .serverHost("127.0.0.1")
              .serverPort(gw.mqttPort())
              .simpleAuth()
              .username(serial)
              .password(reg.secret().getBytes(StandardCharsets.UTF_8))
              .applySimpleAuth()
              .addDisconnectedListener(c -> disconnected.countDown())
              .buildBlocking();
      device.connectWith().keepAlive(30).send();
      device
          .publishWith()
          .topic(reg.mqtt().telemetryTopic())
          .qos(MqttQos.AT_LEAST_ONCE)
          .payload(
              ("{\"ts\":\"" + Instant.now() + "\",\"seq\":1,\"ups.status\":\"OL CHRG\"}")
                  .getBytes(StandardCharsets.UTF_8))
          .send();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> support.device(serial).connection().online());
      int mqttPort = gw.mqttPort();
      int httpPort = gw.node().httpPort();
      ActorSystem<Void> system = gw.node().cluster().system();

      stop.accept(system);

      assertThat(disconnected.await(20, TimeUnit.SECONDS))
          .as("the device's connection closed by the node")
          .isTrue();
      await("MQTT and HTTP listeners closed")
          .atMost(Duration.ofSeconds(20))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> !accepts(mqttPort) && !accepts(httpPort));
      await("actor system terminated")
          .atMost(Duration.ofSeconds(30))
          .until(() -> system.whenTerminated().isCompleted());
      assertThat(logged.list)
          .filteredOn(e -> e.getLevel() == Level.ERROR)
          .extracting(ILoggingEvent::getFormattedMessage)
          .anySatisfy(
              m ->
                  assertThat(m)
                      .contains(why)
                      .contains("closing the MQTT listener and its 1 device connections")
                      .contains("this node stays down"));
    } finally {
      nodeLog.detachAppender(logged);
    }
  }

  /** Whether a TCP connection to the port on 127.0.0.1 is accepted. */
  private static boolean accepts(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
      return true;
    } catch (IOException refused) {
      return false;
    }
  }
}
