package io.upsfleet.cluster.device;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The order of samples ({@link SampleOrder}), pure: which sample is newer than the newest. */
class SampleOrderTest {
  private static final Instant T = Instant.parse("2025-03-10T08:00:00Z");

  private static SampleOrder order(long epoch, long boot, long seq, Instant deviceTime) {
    return new SampleOrder(epoch, boot, seq, deviceTime, false);
  }

  @Test
  void anythingIsNewerThanNothing() {
    assertThat(order(1, -1, 1, T).isNewerThan(null, false)).isTrue();
    assertThat(order(1, -1, 1, T).isNewerThan(null, true)).isTrue();
  }

  @Test
  void withinASessionAHigherSeqIsNewerAndALowerOrEqualOneIsNot() {
    SampleOrder newest = order(1, -1, 10, T);
    assertThat(order(1, -1, 11, T.minusSeconds(60)).isNewerThan(newest, false)).isTrue();
    assertThat(order(1, -1, 10, T.plusSeconds(1)).isNewerThan(newest, false))
        .as("the same seq again")
        .isFalse();
    assertThat(order(1, -1, 5, T.minusSeconds(50)).isNewerThan(newest, false)).isFalse();
    assertThat(order(1, -1, 5, T.plusSeconds(50)).isNewerThan(newest, false))
        .as("no reboot without a new session, whatever the device time")
        .isFalse();
  }

  @Test
  void inALaterSessionALowerSeqIsARebootOnlyWhenNotDupAndItsDeviceTimeIsLater() {
    SampleOrder newest = order(1, -1, 500, T);
    assertThat(order(2, -1, 1, T.plusSeconds(60)).isNewerThan(newest, false))
        .as("a rebooted UPS restarting its counter")
        .isTrue();
    assertThat(order(2, -1, 1, T.plusSeconds(60)).isNewerThan(newest, true))
        .as("a DUP re-send is an old sample")
        .isFalse();
    assertThat(order(2, -1, 400, T.minusSeconds(60)).isNewerThan(newest, false))
        .as("an older device time: an old sample arriving late")
        .isFalse();
    assertThat(order(2, -1, 400, T).isNewerThan(newest, false))
        .as("the same device time is not later")
        .isFalse();
    assertThat(order(2, -1, 501, T.minusSeconds(60)).isNewerThan(newest, true))
        .as("a higher seq is newer, DUP or not")
        .isTrue();
  }

  @Test
  void aSkewedClockOrAMissingDeviceTimeNeverCountsAsAReboot() {
    SampleOrder newest = order(1, -1, 500, T);
    SampleOrder skewed = new SampleOrder(2, -1, 1, T.plusSeconds(60), true);
    assertThat(skewed.isNewerThan(newest, false)).isFalse();
    assertThat(
            order(2, -1, 1, T.plusSeconds(60))
                .isNewerThan(new SampleOrder(1, -1, 500, T, true), false))
        .isFalse();
    assertThat(order(2, -1, 1, null).isNewerThan(newest, false)).isFalse();
  }

  @Test
  void withBootCountersTheBootComesFirst() {
    SampleOrder boot1 = order(1, 1, 50, T);
    assertThat(order(1, 2, 1, T.plusSeconds(1)).isNewerThan(boot1, false)).isTrue();
    assertThat(order(1, 2, 1, T.minusSeconds(100)).isNewerThan(boot1, true))
        .as("a higher boot wins even as a DUP with an older time")
        .isTrue();
    SampleOrder boot2 = order(1, 2, 1, T);
    assertThat(order(1, 1, 60, T.plusSeconds(60)).isNewerThan(boot2, false))
        .as("boot 1 seq 60 is older than boot 2 seq 1")
        .isFalse();
    assertThat(order(5, 1, 60, T.plusSeconds(60)).isNewerThan(boot2, false))
        .as("even in a later session")
        .isFalse();
    assertThat(order(1, 2, 2, T).isNewerThan(boot2, false)).isTrue();
    assertThat(order(1, 2, 1, T).isNewerThan(boot2, false)).isFalse();
  }

  @Test
  void theOrderOfASampleIsItsSessionBootSeqAndDeviceTime() {
    Telemetry t =
        new Telemetry(
            T, T.plusMillis(300), 42, Set.of(), new TreeMap<>(), new TreeMap<>(), true, 7);
    assertThat(SampleOrder.of(3, t)).isEqualTo(new SampleOrder(3, 7, 42, T, true));
    Telemetry noBoot = new Telemetry(T, T, 42, Set.of(), new TreeMap<>(), new TreeMap<>(), false);
    assertThat(SampleOrder.of(3, noBoot).boot()).isEqualTo(-1);
  }
}
