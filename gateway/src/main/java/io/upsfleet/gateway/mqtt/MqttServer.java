package io.upsfleet.gateway.mqtt;

import io.micrometer.core.instrument.MeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.Done;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MQTT 3.1.1 listener devices connect to. {@link #start} binds or fails fast with a clear
 * message (e.g. port in use); {@link #close} stops accepting, closes every device connection (their
 * entities record the disconnection) and releases the threads. The three steps are also offered one
 * by one, asynchronously, for the node's Coordinated Shutdown phases; each runs once.
 */
public final class MqttServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(MqttServer.class);
  private final EventLoopGroup boss;
  private final EventLoopGroup workers;
  private final Channel serverChannel;
  private final ChannelGroup connections;
  private CompletionStage<Done> unbound;
  private CompletionStage<Done> disconnected;
  private CompletionStage<Done> stopped;

  private MqttServer(
      EventLoopGroup boss,
      EventLoopGroup workers,
      Channel serverChannel,
      ChannelGroup connections) {
    this.boss = boss;
    this.workers = workers;
    this.serverChannel = serverChannel;
    this.connections = connections;
  }

  /**
   * Binds the listener; throws {@link IllegalStateException} naming host and port when it cannot.
   */
  public static MqttServer start(
      MqttSettings settings, DeviceSessions sessions, MeterRegistry registry, Clock clock) {
    MqttEdge edge = new MqttEdge(settings, sessions, new MqttMetrics(registry), clock);
    EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    EventLoopGroup workers =
        new MultiThreadIoEventLoopGroup(settings.workerThreads(), NioIoHandler.newFactory());
    ChannelGroup connections =
        new DefaultChannelGroup("mqtt-connections", GlobalEventExecutor.INSTANCE);
    MqttChannelInitializer initializer = new MqttChannelInitializer(edge);
    try {
      Channel ch =
          new ServerBootstrap()
              .group(boss, workers)
              .channel(NioServerSocketChannel.class)
              .option(ChannelOption.SO_BACKLOG, 4096)
              .option(ChannelOption.SO_REUSEADDR, true)
              .childOption(ChannelOption.TCP_NODELAY, true)
              // Replies pile up only for a client that does not read; past the high mark it is cut
              // (THROTTLED).
              .childOption(
                  ChannelOption.WRITE_BUFFER_WATER_MARK,
                  new WriteBufferWaterMark(32 * 1024, 64 * 1024))
              .childHandler(
                  new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel c) {
                      connections.add(c);
                      c.pipeline().addLast("init", initializer);
                    }
                  })
              .bind(new InetSocketAddress(settings.host(), settings.port()))
              .sync()
              .channel();
      log.info("MQTT listening on {}", ch.localAddress());
      return new MqttServer(boss, workers, ch, connections);
    } catch (Exception e) {
      boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      String why =
          e instanceof BindException ? "the port is already in use or not permitted" : e.toString();
      throw new IllegalStateException(
          "cannot listen for MQTT on "
              + settings.host()
              + ":"
              + settings.port()
              + ": "
              + why
              + " (set UPSFLEET_MQTT_PORT to another port)",
          e);
    }
  }

  /** The bound port (useful when configured as 0). */
  public int port() {
    return ((InetSocketAddress) serverChannel.localAddress()).getPort();
  }

  /** Number of open device connections. */
  public int connectionCount() {
    return connections.size();
  }

  /**
   * Stops accepting connections (Coordinated Shutdown's {@code service-unbind}); open connections
   * stay. Idempotent.
   */
  public synchronized CompletionStage<Done> stopAccepting() {
    if (unbound == null) unbound = done(serverChannel.close());
    return unbound;
  }

  /**
   * Stops accepting, then closes every device connection ({@code service-requests-done}); their
   * entities record the disconnection when the cluster still answers. Completes when every
   * connection is closed. Idempotent.
   */
  public synchronized CompletionStage<Done> closeConnections() {
    if (disconnected == null) {
      disconnected =
          stopAccepting()
              .thenCompose(
                  unused -> {
                    connections.forEach(
                        c -> {
                          DeviceSession s = c.attr(DeviceSession.KEY).get();
                          if (s != null)
                            c.eventLoop().execute(() -> s.close(DisconnectReason.SERVER_SHUTDOWN));
                          else c.close();
                        });
                    return done(connections.newCloseFuture());
                  });
    }
    return disconnected;
  }

  /**
   * Closes the connections (see {@link #closeConnections}), then releases the Netty threads ({@code
   * service-stop}). Idempotent.
   */
  public synchronized CompletionStage<Done> stop() {
    if (stopped == null) {
      stopped =
          closeConnections()
              .exceptionally(e -> Done.getInstance())
              .thenCompose(
                  unused ->
                      done(boss.shutdownGracefully(0, 2, TimeUnit.SECONDS))
                          .thenCombine(
                              done(workers.shutdownGracefully(0, 2, TimeUnit.SECONDS)),
                              (a, b) -> Done.getInstance()));
    }
    return stopped;
  }

  /** {@link #stop}, waiting a bounded time; returns at once when already stopped. */
  @Override
  public void close() {
    try {
      stop().toCompletableFuture().get(15, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      log.warn("MQTT listener did not stop cleanly: {}", e.toString());
    }
  }

  private static CompletionStage<Done> done(Future<?> netty) {
    CompletableFuture<Done> f = new CompletableFuture<>();
    netty.addListener(
        x -> {
          if (x.isSuccess() || x.isCancelled()) f.complete(Done.getInstance());
          else f.completeExceptionally(x.cause());
        });
    return f;
  }
}
