package io.upsfleet.load.fleet;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.upsfleet.load.device.SimulatedModel;
import io.upsfleet.load.device.SimulatedUps;
import io.upsfleet.load.mqtt.DeviceConnection;
import io.upsfleet.load.mqtt.Stats;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A running simulated fleet: one {@link DeviceConnection} per device on a few shared event loops,
 * started at a fixed connect rate, spread over source addresses 127.0.0.2… when there are more
 * devices than one address has ephemeral ports. It can inject power outages and dropped
 * connections.
 */
public final class Fleet implements AutoCloseable {
  private static final int DEVICES_PER_SOURCE_ADDRESS = 20_000;
  private final EventLoopGroup group;
  private final List<DeviceConnection> connections;
  private final Stats stats;
  private final ScheduledExecutorService starter;
  private final Random random;

  private Fleet(
      EventLoopGroup group,
      List<DeviceConnection> connections,
      Stats stats,
      ScheduledExecutorService starter,
      long seed) {
    this.group = group;
    this.connections = connections;
    this.stats = stats;
    this.starter = starter;
    this.random = new Random(seed);
  }

  /**
   * Starts the fleet: {@code connectRate} new connections per second.
   *
   * @param faults fault injection for every device
   */
  public static Fleet start(
      List<Member> members,
      InetSocketAddress server,
      DeviceConnection.Options options,
      int threads,
      double connectRate,
      SimulatedUps.Faults faults,
      long seed) {
    return start(members, List.of(server), options, threads, connectRate, faults, seed);
  }

  /**
   * Like {@link #start(List, InetSocketAddress, DeviceConnection.Options, int, double,
   * SimulatedUps.Faults, long)}, with the devices spread round-robin over several gateway nodes
   * (each moves on to the next node when its connection fails).
   */
  public static Fleet start(
      List<Member> members,
      List<InetSocketAddress> servers,
      DeviceConnection.Options options,
      int threads,
      double connectRate,
      SimulatedUps.Faults faults,
      long seed) {
    InetSocketAddress server = servers.get(0);
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(threads, NioIoHandler.newFactory());
    Bootstrap bootstrap =
        new Bootstrap()
            .group(group)
            .channel(NioSocketChannel.class)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.SO_REUSEADDR, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000);
    Stats stats = new Stats();
    boolean spread =
        server.getAddress().isLoopbackAddress() && members.size() > DEVICES_PER_SOURCE_ADDRESS;
    List<DeviceConnection> connections = new ArrayList<>(members.size());
    for (int i = 0; i < members.size(); i++) {
      Member m = members.get(i);
      SimulatedModel model =
          SimulatedModel.RANGE.stream()
              .filter(x -> x.name().equals(m.model()))
              .findFirst()
              .orElse(SimulatedModel.RANGE.get(1));
      InetSocketAddress local =
          spread
              ? new InetSocketAddress("127.0.0." + (2 + i / DEVICES_PER_SOURCE_ADDRESS), 0)
              : null;
      connections.add(
          new DeviceConnection(
              new SimulatedUps(m.serial(), model, seed + i, faults),
              m.secret(),
              bootstrap,
              servers,
              i,
              local,
              options,
              stats));
    }
    ScheduledExecutorService starter =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "fleet-starter");
              t.setDaemon(true);
              return t;
            });
    long periodNanos = (long) (1e9 / Math.max(1, connectRate));
    int[] next = {0};
    // Once every device has started, the task ends (a periodic task that kept waking at the connect
    // rate cost the simulator 4 % of a core for nothing, measured in the soak).
    starter.scheduleAtFixedRate(
        () -> {
          if (next[0] < connections.size()) connections.get(next[0]++).start();
          if (next[0] >= connections.size()) throw new CancellationException("all started");
        },
        0,
        Math.max(1, periodNanos),
        TimeUnit.NANOSECONDS);
    return new Fleet(group, connections, stats, starter, seed);
  }

  public Stats stats() {
    return stats;
  }

  public List<DeviceConnection> connections() {
    return connections;
  }

  public int size() {
    return connections.size();
  }

  /**
   * Mains fails for {@code share} of the fleet at once, for {@code duration} (an outage wave); the
   * serials hit.
   */
  public List<String> outage(double share, Duration duration) {
    List<String> hit = new ArrayList<>();
    Instant now = Instant.now();
    for (DeviceConnection c : connections) {
      if (random.nextDouble() < share) {
        c.onLoop(d -> d.loseMains(now, duration));
        hit.add(c.device().serial());
      }
    }
    return hit;
  }

  @Override
  public void close() {
    starter.shutdownNow();
    connections.forEach(DeviceConnection::stop);
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
  }
}
