package io.upsfleet.cluster.device;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.upsfleet.cluster.device.UpsDevice.Attach;
import io.upsfleet.cluster.device.UpsDevice.AttachReply;
import io.upsfleet.cluster.device.UpsDevice.Attachment;
import io.upsfleet.cluster.device.UpsDevice.Command;
import io.upsfleet.cluster.device.UpsDevice.Confirmation;
import io.upsfleet.cluster.device.UpsDevice.Register;
import io.upsfleet.cluster.testing.EntityTestConfig;
import io.upsfleet.cluster.testing.TestClock;
import java.io.NotSerializableException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * A device whose journal cannot be replayed (an event that does not deserialize, injected with the
 * PersistenceTestKit): the failure is counted and logged naming the persistence id, the entity asks
 * to stop instead of replaying forever, and the next incarnation refuses the device with the
 * reason, while other devices are unaffected (RELIABILITY.md, "Faults").
 */
class UnreadableJournalTest {
  private static final ActorTestKit testKit =
      ActorTestKit.create("UnreadableJournalTest", EntityTestConfig.testkit());
  private static final AtomicInteger IDS = new AtomicInteger();

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  private final DeviceSettings settings =
      DeviceSettings.fromConfig(ConfigFactory.defaultReference().resolve());
  private final DeviceRules rules = DeviceRules.of(settings);
  private final DeviceMetrics metrics = DeviceMetrics.unobserved();
  private final TestClock clock = new TestClock(Instant.parse("2026-12-06T08:00:00Z"));
  private final TestProbe<ClusterSharding.ShardCommand> shard = testKit.createTestProbe();
  private final PersistenceTestKit journal = PersistenceTestKit.create(testKit.system());

  private ActorRef<Command> spawn(String serial) {
    return testKit.spawn(UpsDeviceBehavior.create(serial, shard.ref(), rules, clock, metrics));
  }

  private String registered() {
    String serial = String.format("UJ%08dX", IDS.incrementAndGet());
    ActorRef<Command> device = spawn(serial);
    TestProbe<Confirmation> reply = testKit.createTestProbe();
    device.tell(new Register("SMT1500C", "acct-1", reply.ref()));
    reply.expectMessage(new Confirmation.Accepted());
    testKit.stop(device);
    return serial;
  }

  @Test
  void anUnreadableJournalStopsTheEntityAndTheDeviceIsRefusedWithTheReason() {
    String serial = registered();
    journal.failNextRead(
        PersistenceId.of("UpsDevice", serial).id(),
        new NotSerializableException("io.upsfleet.cluster.device.UpsDevice$Gone"));

    ActorRef<Command> first = spawn(serial);
    shard.expectMessageClass(ClusterSharding.Passivate.class);
    testKit.stop(first); // what the shard does with a Passivate
    double failures = metrics.replayFailures().count();
    assertThat(failures).isGreaterThanOrEqualTo(1.0);

    // Sharding starts the entity again for the device's next message: it is refused with the
    // reason, and the journal is not replayed again.
    ActorRef<Command> again = spawn(serial);
    TestProbe<AttachReply> attached = testKit.createTestProbe();
    again.tell(
        new Attach(
            "192.0.2.1:1",
            "node-1",
            testKit.<DeviceLink.Message>createTestProbe().ref(),
            attached.ref()));
    Confirmation.Rejected refused = (Confirmation.Rejected) attached.receiveMessage();
    assertThat(refused.reason()).isEqualTo(Confirmation.Reason.UNREADABLE_HISTORY);
    assertThat(refused.message()).contains(serial).contains("cannot be read");
    assertThat(metrics.replayFailures().count()).as("not replayed again").isEqualTo(failures);
  }

  @Test
  void otherDevicesAreUnaffected() {
    String broken = registered();
    journal.failNextRead(
        PersistenceId.of("UpsDevice", broken).id(), new NotSerializableException("broken"));
    spawn(broken);
    shard.expectMessageClass(ClusterSharding.Passivate.class);

    String healthy = registered();
    TestProbe<AttachReply> attached = testKit.createTestProbe();
    spawn(healthy)
        .tell(
            new Attach(
                "192.0.2.2:1",
                "node-1",
                testKit.<DeviceLink.Message>createTestProbe().ref(),
                attached.ref()));
    assertThat(attached.receiveMessage()).isInstanceOf(Attachment.class);
  }

  @Test
  void aDatabaseFaultDuringRecoveryIsRetriedNotMarkedUnreadable() {
    String serial = registered();
    journal.failNextRead(
        PersistenceId.of("UpsDevice", serial).id(), new IllegalStateException("connection reset"));
    ActorRef<Command> device = spawn(serial);
    TestProbe<AttachReply> attached = testKit.createTestProbe();
    device.tell(
        new Attach(
            "192.0.2.3:1",
            "node-1",
            testKit.<DeviceLink.Message>createTestProbe().ref(),
            attached.ref()));
    // Restarted with back-off, recovered, and the message held meanwhile is answered.
    assertThat(attached.receiveMessage(Duration.ofSeconds(10))).isInstanceOf(Attachment.class);
  }
}
