package io.upsfleet.cluster.command;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.upsfleet.cluster.command.FirmwareRollout.Phase;
import io.upsfleet.cluster.command.FirmwareRollout.Refused;
import io.upsfleet.cluster.command.FirmwareRollout.Reply;
import io.upsfleet.cluster.command.FirmwareRollout.State;
import io.upsfleet.cluster.command.FirmwareRollout.Step;
import io.upsfleet.cluster.command.FirmwareRollout.View;
import io.upsfleet.cluster.device.DeviceLink;
import io.upsfleet.cluster.device.DeviceSettings;
import io.upsfleet.cluster.device.StatusFlag;
import io.upsfleet.cluster.device.Telemetry;
import io.upsfleet.cluster.device.UpsDevice;
import io.upsfleet.cluster.device.UpsDevices;
import io.upsfleet.cluster.operation.CommandMessage;
import io.upsfleet.cluster.operation.CommandReport;
import io.upsfleet.cluster.operation.CommandStatus;
import io.upsfleet.cluster.operation.CommandType;
import io.upsfleet.cluster.operation.DeviceCommand;
import io.upsfleet.cluster.operation.Operation;
import io.upsfleet.cluster.testing.EntityTestConfig;
import io.upsfleet.cluster.testing.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link FirmwareRollout} through the {@link EventSourcedBehaviorTestKit} (jackson-cbor
 * verification of every command, event, reply and state) against real {@link UpsDevice} entities: a
 * one-node cluster with device sharding on the in-memory journal. The devices are simulated by
 * their links: each answers (or holds) the FIRMWARE_UPGRADE it is sent through the device entity,
 * as the MQTT edge would. The rollout's own two-second tick is hurried along by sending it {@code
 * Tick}s while waiting.
 */
class FirmwareRolloutTest {

  static Config testConfig() {
    return EntityTestConfig.testkit(
        """
        pekko.actor.provider = cluster
        pekko.remote.artery.canonical.hostname = "127.0.0.1"
        pekko.remote.artery.canonical.port = 0
        pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
        pekko.cluster.sharding.remember-entities = off
        """);
  }

  private static final ActorTestKit testKit =
      ActorTestKit.create("FirmwareRolloutTest", testConfig());
  private static final Instant NOW = Instant.parse("2026-11-28T10:00:00Z");
  private static final TestClock clock = new TestClock(NOW);
  private static final DeviceSettings SETTINGS =
      DeviceSettings.fromConfig(
          ConfigFactory.parseString(
                  """
          upsfleet.devices {
            offline-grace = 2m
            idle-passivation = 10m
            trial-length = 6m
          }""")
              .withFallback(ConfigFactory.defaultReference())
              .resolve());
  private static final String MODEL = "SMT1500C";
  private static final String OLD_FIRMWARE = "UPS 09.2 / ID=18";
  private static final String NEW_FIRMWARE = "UPS 09.8 / ID=18";
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final AtomicInteger IDS = new AtomicInteger();
  private static UpsDevices devices;

  @BeforeAll
  static void formClusterAndStartDevices() {
    Cluster cluster = Cluster.get(testKit.system());
    cluster.manager().tell(Join.create(cluster.selfMember().address()));
    TestProbe<Object> probe = testKit.createTestProbe();
    probe.awaitAssert(
        Duration.ofSeconds(20),
        () -> {
          assertThat(cluster.selfMember().status()).isEqualTo(MemberStatus.up());
          return null;
        });
    devices = UpsDevices.init(testKit.system(), SETTINGS, clock);
  }

  @AfterAll
  static void shutdownTestKit() {
    testKit.shutdownTestKit();
  }

  private final String rolloutId = "rollout-" + IDS.incrementAndGet();
  private final String account = "acct-rollout-" + rolloutId;
  private final TestProbe<ClusterSharding.ShardCommand> shard = testKit.createTestProbe();
  private final TestProbe<Object> waiter = testKit.createTestProbe();
  private final EventSourcedBehaviorTestKit<FirmwareRollout.Command, FirmwareRollout.Event, State>
      kit =
          EventSourcedBehaviorTestKit.create(
              testKit.system(),
              FirmwareRollout.create(rolloutId, shard.ref(), devices, clock),
              EventSourcedBehaviorTestKit.enabledSerializationSettings().withVerifyEquality(true));

  // ------------------------------------------------------------------------------------ tests

  @Test
  void startsAtMostConcurrencyDevicesAtOnceAndCompletesWhenAllHaveFinished() {
    List<SimDevice> fleet = fleet(5, Answer.HOLD);
    View started = start(fleet, 2, 3);
    assertThat(started.rollout().phase()).isEqualTo(Phase.RUNNING);
    assertThat(started.rollout().devices()).hasSize(5);
    assertThat(started.rollout().devices().values())
        .extracting(FirmwareRollout.DeviceProgress::step)
        .containsOnly(Step.WAITING);

    int maxRunning = 0;
    for (int finished = 0; finished < 5; finished++) {
      int expectStarted = Math.min(5, finished + 2);
      awaitRollout(s -> assertThat(received(fleet)).isEqualTo(expectStarted));
      for (int i = 0; i < 3; i++) tick(); // more ticks start nothing more while the slots are taken
      assertThat(received(fleet)).isEqualTo(expectStarted);
      maxRunning = Math.max(maxRunning, kit.getState().count(Step.RUNNING));
      SimDevice next =
          fleet.stream()
              .filter(d -> !d.commands.isEmpty() && !d.answered)
              .findFirst()
              .orElseThrow();
      next.answer(true);
      int done = finished + 1;
      awaitRollout(s -> assertThat(s.count(Step.SUCCEEDED)).isEqualTo(done));
    }
    assertThat(maxRunning).isLessThanOrEqualTo(2);
    awaitRollout(s -> assertThat(s.phase()).isEqualTo(Phase.COMPLETED));
    shard.expectMessageClass(ClusterSharding.Passivate.class, WAIT);
    for (SimDevice d : fleet) {
      assertThat(d.commands).as(d.serial + " got one command").hasSize(1);
      assertThat(d.commands.get(0).type()).isEqualTo(CommandType.FIRMWARE_UPGRADE);
      assertThat(d.commands.get(0).operation())
          .isEqualTo(new Operation.FirmwareUpgrade(NEW_FIRMWARE, true));
      DeviceProgressView view = progress(d);
      assertThat(view.step).isEqualTo(Step.SUCCEEDED);
      assertThat(view.commandId).isEqualTo(d.commands.get(0).id());
      assertThat(deviceCommand(d).status()).isEqualTo(CommandStatus.SUCCEEDED);
    }
    assertThat(kit.getState().view().failures()).isZero();
  }

  @Test
  void devicesThatRefuseAreSkippedWithTheReasonAndDoNotCountAsFailures() {
    SimDevice basic = basicDevice();
    SimDevice upToDate = device(Answer.SUCCEED, NEW_FIRMWARE);
    SimDevice silent = device(Answer.SUCCEED, null);
    SimDevice ok = device(Answer.SUCCEED, OLD_FIRMWARE);
    start(List.of(basic, upToDate, silent, ok), 5, 1);

    awaitRollout(s -> assertThat(s.phase()).isEqualTo(Phase.COMPLETED));
    State s = kit.getState();
    assertThat(s.devices().get(basic.serial).step()).isEqualTo(Step.SKIPPED);
    assertThat(s.devices().get(basic.serial).reason()).contains("Standard");
    assertThat(s.devices().get(upToDate.serial).step()).isEqualTo(Step.SKIPPED);
    assertThat(s.devices().get(upToDate.serial).reason()).contains("no newer firmware");
    assertThat(s.devices().get(silent.serial).step()).isEqualTo(Step.SKIPPED);
    assertThat(s.devices().get(silent.serial).reason()).contains("not reported");
    assertThat(s.devices().get(ok.serial).step()).isEqualTo(Step.SUCCEEDED);
    assertThat(s.view().failures()).isZero();
    // The rollout sent them nothing; a Basic device may still be offered the firmware on its
    // display by its own entity (issue 12), which is not the rollout's doing.
    assertThat(basic.commands).allMatch(c -> c.type() == CommandType.FIRMWARE_OFFER);
    assertThat(upToDate.commands).isEmpty();
    assertThat(silent.commands).isEmpty();
  }

  @Test
  void abortsAfterTheFailureLimitAndStartsNoDeviceAfterwards() {
    List<SimDevice> fleet = fleet(8, Answer.FAIL);
    start(fleet, 2, 3);

    awaitRollout(
        s -> {
          assertThat(s.phase()).isEqualTo(Phase.ABORTED);
          assertThat(s.count(Step.RUNNING)).isZero();
        });
    // A start decided before the limit was reached may still be on its way to its device and then
    // fail:
    // wait until the rollout is quiet (the same commands received twice in a row, all accounted
    // for).
    int[] last = {-1};
    waiter.awaitAssert(
        WAIT,
        Duration.ofMillis(400),
        () -> {
          tick();
          int now = received(fleet);
          State st = kit.getState();
          boolean quiet =
              now == last[0] && now == st.count(Step.FAILED) && st.count(Step.RUNNING) == 0;
          last[0] = now;
          assertThat(quiet).as("the rollout settled").isTrue();
          return null;
        });
    State s = kit.getState();
    assertThat(s.view().failures()).isGreaterThanOrEqualTo(3);
    // Only the devices already running when the limit was reached may finish after it: 3 + (2 - 1).
    assertThat(s.count(Step.FAILED)).isLessThanOrEqualTo(4);
    assertThat(s.devices().get(fleet.get(0).serial).reason())
        .contains("FAILED")
        .contains("flash write error");
    int started = received(fleet);
    assertThat(started).isEqualTo(s.count(Step.FAILED));
    for (int i = 0; i < 3; i++) tick();
    assertThat(received(fleet)).as("nothing starts after the abort").isEqualTo(started);
    assertThat(kit.getState().count(Step.WAITING)).isEqualTo(8 - started);
    shard.expectMessageClass(ClusterSharding.Passivate.class, WAIT);
  }

  @Test
  void pauseStopsNewStartsResumeContinuesAndAbortEndsIt() {
    List<SimDevice> fleet = fleet(4, Answer.HOLD);
    start(fleet, 1, 3);
    awaitRollout(s -> assertThat(received(fleet)).isEqualTo(1));

    View paused = (View) kit.<Reply>runCommand(r -> new FirmwareRollout.Pause("ops", r)).reply();
    assertThat(paused.rollout().phase()).isEqualTo(Phase.PAUSED);
    Refused twice =
        (Refused) kit.<Reply>runCommand(r -> new FirmwareRollout.Pause("ops", r)).reply();
    assertThat(twice.reason()).contains("PAUSED");

    fleet.get(0).answer(true);
    awaitRollout(
        s ->
            assertThat(s.devices().get(fleet.get(0).serial).step())
                .as("a running device is still followed while paused")
                .isEqualTo(Step.SUCCEEDED));
    for (int i = 0; i < 3; i++) tick();
    assertThat(received(fleet)).as("no new start while paused").isEqualTo(1);
    assertThat(kit.getState().phase()).isEqualTo(Phase.PAUSED);

    View resumed = (View) kit.<Reply>runCommand(r -> new FirmwareRollout.Resume("ops", r)).reply();
    assertThat(resumed.rollout().phase()).isEqualTo(Phase.RUNNING);
    assertThat(kit.<Reply>runCommand(r -> new FirmwareRollout.Resume("ops", r)).reply())
        .isInstanceOf(Refused.class);
    awaitRollout(s -> assertThat(received(fleet)).isEqualTo(2));

    View aborted = (View) kit.<Reply>runCommand(r -> new FirmwareRollout.Abort("ops", r)).reply();
    assertThat(aborted.rollout().phase()).isEqualTo(Phase.ABORTED);
    assertThat(kit.<Reply>runCommand(r -> new FirmwareRollout.Abort("ops", r)).reply())
        .isInstanceOf(Refused.class);
    assertThat(kit.<Reply>runCommand(r -> new FirmwareRollout.Resume("ops", r)).reply())
        .isInstanceOf(Refused.class);
    fleet.get(1).answer(true);
    awaitRollout(
        s ->
            assertThat(s.devices().get(fleet.get(1).serial).step())
                .as("the running one finishes after the abort")
                .isEqualTo(Step.SUCCEEDED));
    for (int i = 0; i < 3; i++) tick();
    assertThat(received(fleet)).isEqualTo(2);
    assertThat(kit.getState().count(Step.WAITING)).isEqualTo(2);
  }

  @Test
  void aRestartCarriesOnByItselfWithoutUpgradingADeviceTwice() {
    List<SimDevice> fleet = fleet(3, Answer.HOLD);
    start(fleet, 2, 3);
    awaitRollout(s -> assertThat(s.count(Step.RUNNING)).isEqualTo(2));
    State before = kit.getState();

    assertThat(kit.restart().state()).isEqualTo(before);
    fleet.stream().filter(d -> !d.commands.isEmpty()).forEach(d -> d.answer(true));
    // No ticks from the test: the timer re-armed on recovery drives it.
    waiter.awaitAssert(
        WAIT,
        () -> {
          assertThat(kit.getState().phase()).isEqualTo(Phase.RUNNING);
          assertThat(kit.getState().count(Step.SUCCEEDED)).isEqualTo(2);
          assertThat(received(fleet)).isEqualTo(3);
          return null;
        });
    fleet.get(2).answer(true);
    waiter.awaitAssert(
        WAIT,
        () -> {
          assertThat(kit.getState().phase()).isEqualTo(Phase.COMPLETED);
          return null;
        });
    for (SimDevice d : fleet) {
      assertThat(d.commands).hasSize(1);
      assertThat(commandsOf(d).stream().filter(c -> c.type() == CommandType.FIRMWARE_UPGRADE))
          .hasSize(1);
    }
  }

  @Test
  void aSecondStartOfTheSameRolloutIsRefused() {
    List<SimDevice> fleet = fleet(1, Answer.SUCCEED);
    start(fleet, 1, 1);
    Reply again =
        kit.<Reply>runCommand(
                r ->
                    new FirmwareRollout.Start(
                        account, List.of(fleet.get(0).serial), 1, 1, "ops", r))
            .reply();
    assertThat(again).isInstanceOf(Refused.class);
  }

  /**
   * Rollouts are remembered entities: every id ever asked about is started again after each
   * restart. Asking about an id that is no rollout must leave nothing behind. PRODUCTION BUG (see
   * report): the empty entity refuses and stays, so each GET of a made-up id adds a remembered
   * entity for good.
   */
  @Test
  void anUnknownRolloutRefusesAndPassivatesSoThatNothingIsRemembered() {
    Reply reply = kit.<Reply>runCommand(FirmwareRollout.Get::new).reply();
    assertThat(reply).isInstanceOf(Refused.class);
    assertThat(kit.<Reply>runCommand(r -> new FirmwareRollout.Pause("x", r)).reply())
        .isInstanceOf(Refused.class);
    assertThat(kit.getState().exists()).isFalse();
    shard.expectMessageClass(ClusterSharding.Passivate.class, Duration.ofSeconds(3));
  }

  // ------------------------------------------------------------------------------------ helpers

  private View start(List<SimDevice> fleet, int concurrency, int abortAfter) {
    List<String> serials = fleet.stream().map(d -> d.serial).collect(Collectors.toList());
    var result =
        kit.<Reply>runCommand(
            r -> new FirmwareRollout.Start(account, serials, concurrency, abortAfter, "ops", r));
    assertThat(result.reply()).isInstanceOf(View.class);
    return (View) result.reply();
  }

  private void tick() {
    kit.runCommand(new FirmwareRollout.Tick());
  }

  /** Waits until {@code check} holds for the rollout's state, ticking it meanwhile. */
  private void awaitRollout(Consumer<State> check) {
    waiter.awaitAssert(
        WAIT,
        Duration.ofMillis(150),
        () -> {
          tick();
          check.accept(kit.getState());
          return null;
        });
  }

  private static int received(List<SimDevice> fleet) {
    return fleet.stream().mapToInt(d -> d.commands.size()).sum();
  }

  private record DeviceProgressView(Step step, String commandId) {}

  private DeviceProgressView progress(SimDevice d) {
    FirmwareRollout.DeviceProgress p = kit.getState().devices().get(d.serial);
    return new DeviceProgressView(p.step(), p.commandId());
  }

  private DeviceCommand deviceCommand(SimDevice d) {
    return commandsOf(d).stream()
        .filter(c -> c.id().equals(d.commands.get(0).id()))
        .findFirst()
        .orElseThrow();
  }

  private static List<DeviceCommand> commandsOf(SimDevice d) {
    return ((UpsDevice.OperationPage) get(devices.operations(d.serial, 0, 100))).commands();
  }

  private static <T> T get(CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  // ------------------------------------------------------------------------------------ simulated
  // devices

  private enum Answer {
    SUCCEED,
    FAIL,
    HOLD
  }

  private List<SimDevice> fleet(int n, Answer answer) {
    List<SimDevice> out = new ArrayList<>();
    for (int i = 0; i < n; i++) out.add(device(answer, OLD_FIRMWARE));
    return out;
  }

  private SimDevice device(Answer answer, String firmware) {
    SimDevice d =
        new SimDevice(
            rolloutId.toUpperCase().replace("-", "") + "D" + IDS.incrementAndGet(), answer);
    assertThat(get(devices.register(d.serial, MODEL, account)))
        .isEqualTo(new UpsDevice.Confirmation.Accepted());
    d.connect(firmware);
    return d;
  }

  /** A device registered a year ago: its trial is over, it is on Basic. */
  private SimDevice basicDevice() {
    SimDevice d =
        new SimDevice(
            rolloutId.toUpperCase().replace("-", "") + "B" + IDS.incrementAndGet(), Answer.SUCCEED);
    synchronized (clock) {
      clock.set(NOW.minus(Duration.ofDays(365)));
      try {
        get(devices.register(d.serial, MODEL, account));
      } finally {
        clock.set(NOW);
      }
    }
    d.connect(OLD_FIRMWARE);
    return d;
  }

  /** A device as its link sees it: what it was sent, and how it answers. */
  private static final class SimDevice {
    final String serial;
    final Answer mode;
    final List<CommandMessage> commands = new CopyOnWriteArrayList<>();
    volatile long epoch;
    volatile boolean answered;
    private long seq;

    SimDevice(String serial, Answer mode) {
      this.serial = serial;
      this.mode = mode;
    }

    void connect(String firmware) {
      ActorRef<DeviceLink.Message> link = testKit.spawn(behavior());
      UpsDevice.AttachReply reply = get(devices.attach(serial, "192.0.2.1:1", "node-1", link));
      epoch = ((UpsDevice.Attachment) reply).epoch();
      if (firmware != null) telemetry(firmware);
    }

    private Behavior<DeviceLink.Message> behavior() {
      return Behaviors.receive(DeviceLink.Message.class)
          .onMessage(
              DeviceLink.Deliver.class,
              m -> {
                // As the MQTT edge does: the PUBLISH is written, then the device acknowledges it.
                devices.operationPublished(serial, epoch, m.command().id());
                devices.operationDelivered(serial, epoch, m.command().id());
                commands.add(m.command());
                if (mode == Answer.SUCCEED) answer(true);
                if (mode == Answer.FAIL) answer(false);
                return Behaviors.same();
              })
          .onMessage(DeviceLink.Close.class, m -> Behaviors.same())
          .build();
    }

    /** Answers the latest command: success is the new version reported, then the device's word. */
    void answer(boolean ok) {
      CommandMessage c = commands.get(commands.size() - 1);
      answered = true;
      Instant now = clock.instant();
      if (ok) {
        telemetry(((Operation.FirmwareUpgrade) c.operation()).version());
        devices.recordOperationResult(
            serial,
            epoch,
            new CommandReport(
                c.id(), CommandReport.Status.SUCCEEDED, null, -1, null, null, now, now));
      } else {
        devices.recordOperationResult(
            serial,
            epoch,
            new CommandReport(
                c.id(),
                CommandReport.Status.FAILED,
                "installing",
                -1,
                "flash write error",
                null,
                now,
                now));
      }
    }

    synchronized void telemetry(String firmware) {
      Instant now = clock.instant();
      devices.recordTelemetry(
          serial,
          epoch,
          new Telemetry(
              now,
              now,
              ++seq,
              Set.of(StatusFlag.OL),
              new TreeMap<>(),
              new TreeMap<>(Map.of("ups.firmware", firmware)),
              false));
    }
  }
}
