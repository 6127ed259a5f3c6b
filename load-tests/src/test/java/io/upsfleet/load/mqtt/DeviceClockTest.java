package io.upsfleet.load.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The event loop's one timer for every simulated device on it (open-loop schedule on a grid). */
class DeviceClockTest {
  private final EventLoopGroup group =
      new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final EventLoop loop = group.next();

  @AfterEach
  void stop() {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
  }

  @Test
  void aStepRunsOnItsGridPointOrLaterNeverBeforeAndInOrder() throws Exception {
    int steps = 300;
    Random random = new Random(7);
    long[] asked = new long[steps];
    long[] points = new long[steps];
    long[] ran = new long[steps];
    List<Integer> order = Collections.synchronizedList(new ArrayList<>());
    CountDownLatch done = new CountDownLatch(steps);
    loop.submit(
            () -> {
              DeviceClock clock = DeviceClock.of(loop);
              long now = System.nanoTime();
              for (int i = 0; i < steps; i++) {
                int id = i;
                asked[i] = now + TimeUnit.MICROSECONDS.toNanos(random.nextInt(200_000));
                points[i] =
                    clock.schedule(
                        () -> {
                          ran[id] = System.nanoTime();
                          order.add(id);
                          done.countDown();
                        },
                        asked[i]);
              }
            })
        .sync();
    assertThat(done.await(10, TimeUnit.SECONDS)).as("every step ran").isTrue();
    for (int i = 0; i < steps; i++) {
      assertThat(points[i]).as("grid point of step %d", i).isGreaterThanOrEqualTo(asked[i]);
      assertThat(points[i] - asked[i]).isLessThan(DeviceClock.GRID_NANOS);
      assertThat(ran[i])
          .as("step %d ran at or after its grid point", i)
          .isGreaterThanOrEqualTo(points[i]);
    }
    for (int k = 1; k < order.size(); k++) {
      assertThat(points[order.get(k)])
          .as("steps run in the order of their grid points")
          .isGreaterThanOrEqualTo(points[order.get(k - 1)]);
    }
  }

  @Test
  void gridPointsAreOneGridApartAndEachLoopHasOneClock() throws Exception {
    loop.submit(
            () -> {
              DeviceClock clock = DeviceClock.of(loop);
              assertThat(DeviceClock.of(loop)).isSameAs(clock);
              long p = clock.ceil(System.nanoTime() + 1_000_000_000L);
              assertThat(clock.ceil(p)).isEqualTo(p);
              assertThat(clock.ceil(p + 1)).isEqualTo(p + DeviceClock.GRID_NANOS);
              assertThat(clock.ceil(p - 1)).isEqualTo(p);
            })
        .sync();
  }

  @Test
  void onlyItsLoopsThreadGetsAClock() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> DeviceClock.of(loop))
        .isInstanceOf(IllegalStateException.class);
  }
}
