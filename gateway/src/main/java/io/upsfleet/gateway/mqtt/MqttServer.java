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
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.upsfleet.gateway.tls.ServerTls;
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
  private final Channel tlsChannel;
  private final ChannelGroup connections;
  private CompletionStage<Done> unbound;
  private CompletionStage<Done> disconnected;
  private CompletionStage<Done> stopped;

  private MqttServer(
      EventLoopGroup boss,
      EventLoopGroup workers,
      Channel serverChannel,
      Channel tlsChannel,
      ChannelGroup connections) {
    this.boss = boss;
    this.workers = workers;
    this.serverChannel = serverChannel;
    this.tlsChannel = tlsChannel;
    this.connections = connections;
  }

  /**
   * Binds the plain listener; throws {@link IllegalStateException} naming host and port when it
   * cannot.
   */
  public static MqttServer start(
      MqttSettings settings, DeviceSessions sessions, MeterRegistry registry, Clock clock) {
    return start(settings, null, true, sessions, registry, clock);
  }

  /**
   * Binds the plain listener (when {@code plain}) and MQTT over TLS (when {@code tls} is given);
   * throws {@link IllegalStateException} naming host and port when one cannot be bound.
   */
  public static MqttServer start(
      MqttSettings settings,
      ServerTls tls,
      boolean plain,
      DeviceSessions sessions,
      MeterRegistry registry,
      Clock clock) {
    if (!plain && tls == null) {
      throw new IllegalStateException(
          "neither plain MQTT nor MQTT over TLS is configured (set UPSFLEET_TLS_CERT and"
              + " UPSFLEET_TLS_KEY, or UPSFLEET_MQTT_PLAIN=true)");
    }
    MqttEdge edge = new MqttEdge(settings, sessions, new MqttMetrics(registry), clock);
    EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    EventLoopGroup workers =
        new MultiThreadIoEventLoopGroup(settings.workerThreads(), NioIoHandler.newFactory());
    ChannelGroup connections =
        new DefaultChannelGroup("mqtt-connections", GlobalEventExecutor.INSTANCE);
    MqttChannelInitializer initializer = new MqttChannelInitializer(edge);
    Channel plainChannel = null;
    try {
      if (plain) {
        plainChannel =
            bind(boss, workers, connections, initializer, null, settings.host(), settings.port());
        log.info("MQTT listening on {}", plainChannel.localAddress());
      }
      Channel tlsChannel = null;
      if (tls != null) {
        int port = tls.settings().mqttPort();
        try {
          tlsChannel =
              bind(
                  boss,
                  workers,
                  connections,
                  initializer,
                  tls.mqttContext(),
                  settings.host(),
                  port);
        } catch (Exception e) {
          throw new BindFailure(port, "UPSFLEET_MQTT_TLS_PORT", e);
        }
        log.info("MQTT over TLS listening on {}", tlsChannel.localAddress());
      }
      return new MqttServer(boss, workers, plainChannel, tlsChannel, connections);
    } catch (Exception e) {
      if (plainChannel != null) plainChannel.close();
      boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      int port = e instanceof BindFailure b ? b.port : settings.port();
      String variable = e instanceof BindFailure b ? b.variable : "UPSFLEET_MQTT_PORT";
      Throwable cause = e instanceof BindFailure ? e.getCause() : e;
      String why =
          cause instanceof BindException
              ? "the port is already in use or not permitted"
              : cause.toString();
      throw new IllegalStateException(
          "cannot listen for MQTT on "
              + settings.host()
              + ":"
              + port
              + ": "
              + why
              + " (set "
              + variable
              + " to another port)",
          cause);
    }
  }

  /** A TLS listener that could not be bound: which port, and the variable that sets it. */
  private static final class BindFailure extends Exception {
    final int port;
    final String variable;

    BindFailure(int port, String variable, Exception cause) {
      super(cause);
      this.port = port;
      this.variable = variable;
    }
  }

  private static Channel bind(
      EventLoopGroup boss,
      EventLoopGroup workers,
      ChannelGroup connections,
      MqttChannelInitializer initializer,
      SslContext tls,
      String host,
      int port)
      throws InterruptedException {
    return new ServerBootstrap()
        .group(boss, workers)
        .channel(NioServerSocketChannel.class)
        .option(ChannelOption.SO_BACKLOG, 4096)
        .option(ChannelOption.SO_REUSEADDR, true)
        .childOption(ChannelOption.TCP_NODELAY, true)
        // Replies pile up only for a client that does not read; past the high mark it is cut
        // (THROTTLED).
        .childOption(
            ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(32 * 1024, 64 * 1024))
        .childHandler(
            new ChannelInitializer<SocketChannel>() {
              @Override
              protected void initChannel(SocketChannel c) {
                connections.add(c);
                // The handshake is bounded by the handler's own time-out (10 s by default).
                if (tls != null) c.pipeline().addLast("tls", tls.newHandler(c.alloc()));
                c.pipeline().addLast("init", initializer);
              }
            })
        .bind(new InetSocketAddress(host, port))
        .sync()
        .channel();
  }

  /** The bound port of plain MQTT (useful when configured as 0); -1 when it is off. */
  public int port() {
    return serverChannel == null
        ? -1
        : ((InetSocketAddress) serverChannel.localAddress()).getPort();
  }

  /** The bound port of MQTT over TLS; -1 when it is off. */
  public int tlsPort() {
    return tlsChannel == null ? -1 : ((InetSocketAddress) tlsChannel.localAddress()).getPort();
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
    if (unbound == null) {
      CompletionStage<Done> plain =
          serverChannel == null
              ? CompletableFuture.completedFuture(Done.getInstance())
              : done(serverChannel.close());
      CompletionStage<Done> tls =
          tlsChannel == null
              ? CompletableFuture.completedFuture(Done.getInstance())
              : done(tlsChannel.close());
      unbound = plain.thenCombine(tls, (a, b) -> Done.getInstance());
    }
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
