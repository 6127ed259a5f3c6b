package io.upsfleet.gateway.nut;

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
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.upsfleet.gateway.http.FailureThrottle;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The NUT listener ({@code upsfleet.gateway.nut}): Netty, a line decoder bounded by {@code
 * max-line-length}, one {@link NutSession} per connection on a small event-loop group (no thread
 * per connection), at most {@code max-connections} open. {@link #start} binds or fails fast naming
 * the port and its variable; {@link #close} stops accepting, closes every connection and releases
 * the threads.
 */
public final class NutServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(NutServer.class);
  private final EventLoopGroup boss;
  private final EventLoopGroup workers;
  private final Channel serverChannel;
  private final ChannelGroup connections;

  private NutServer(
      EventLoopGroup boss,
      EventLoopGroup workers,
      Channel serverChannel,
      ChannelGroup connections) {
    this.boss = boss;
    this.workers = workers;
    this.serverChannel = serverChannel;
    this.connections = connections;
  }

  /** What the sessions of one listener share: sign-in throttles and {@code NUMLOGINS} counts. */
  static final class Shared {
    private final FailureThrottle failuresPerUser;
    private final FailureThrottle failuresPerAddress;
    private final ConcurrentHashMap<String, AtomicInteger> logins = new ConcurrentHashMap<>();

    Shared(FailureThrottle failuresPerUser, FailureThrottle failuresPerAddress) {
      this.failuresPerUser = failuresPerUser;
      this.failuresPerAddress = failuresPerAddress;
    }

    FailureThrottle failuresPerUser() {
      return failuresPerUser;
    }

    FailureThrottle failuresPerAddress() {
      return failuresPerAddress;
    }

    void login(String serial) {
      logins.computeIfAbsent(serial, k -> new AtomicInteger()).incrementAndGet();
    }

    void logout(String serial) {
      logins.computeIfPresent(serial, (k, n) -> n.decrementAndGet() <= 0 ? null : n);
    }

    int logins(String serial) {
      AtomicInteger n = logins.get(serial);
      return n == null ? 0 : n.get();
    }
  }

  /**
   * Binds the listener; throws {@link IllegalStateException} naming host and port when it cannot.
   *
   * @param failuresPerUser failed sign-ins per address and user name
   * @param failuresPerAddress failed sign-ins per address
   * @param tls the server's TLS context for {@code STARTTLS} (the node's certificate), or null when
   *     the node serves no TLS ({@code STARTTLS} then answers {@code ERR FEATURE-NOT-CONFIGURED})
   */
  public static NutServer start(
      NutSettings settings,
      NutServices services,
      FailureThrottle failuresPerUser,
      FailureThrottle failuresPerAddress,
      SslContext tls) {
    if (!settings.enabled()) throw new IllegalArgumentException("the NUT facade is off (port 0)");
    Shared shared = new Shared(failuresPerUser, failuresPerAddress);
    EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    EventLoopGroup workers =
        new MultiThreadIoEventLoopGroup(settings.workerThreads(), NioIoHandler.newFactory());
    ChannelGroup connections =
        new DefaultChannelGroup("nut-connections", GlobalEventExecutor.INSTANCE);
    // A session signed in as a user whose tokens were revoked (disabled, signed out everywhere, new
    // password) or with the one token revoked is closed, as the API stops taking its tokens.
    services.onRevocation(
        r ->
            connections.forEach(
                c -> {
                  NutSession session = c.pipeline().get(NutSession.class);
                  if (session != null) session.revoked(r);
                }));
    int port = settings.port() == NutSettings.ANY_PORT ? 0 : settings.port();
    try {
      Channel channel =
          new ServerBootstrap()
              .group(boss, workers)
              .channel(NioServerSocketChannel.class)
              .option(ChannelOption.SO_BACKLOG, 1024)
              .option(ChannelOption.SO_REUSEADDR, true)
              .childOption(ChannelOption.TCP_NODELAY, true)
              // Replies pile up only for a client that does not read them; past the mark it is cut.
              .childOption(
                  ChannelOption.WRITE_BUFFER_WATER_MARK,
                  new WriteBufferWaterMark(64 * 1024, 256 * 1024))
              .childHandler(
                  new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel c) {
                      if (connections.size() >= settings.maxConnections()) {
                        log.debug("NUT connection refused: {} open", connections.size());
                        c.close();
                        return;
                      }
                      connections.add(c);
                      c.pipeline()
                          .addLast(
                              "lines",
                              new LineBasedFrameDecoder(settings.maxLineLength(), true, true))
                          .addLast("nut", new NutSession(settings, services, shared, tls));
                    }
                  })
              .bind(new InetSocketAddress(settings.host(), port))
              .sync()
              .channel();
      log.info("NUT (upsd protocol) listening on {}", channel.localAddress());
      return new NutServer(boss, workers, channel, connections);
    } catch (Exception e) {
      boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      String why =
          e instanceof BindException ? "the port is already in use or not permitted" : e.toString();
      throw new IllegalStateException(
          "cannot listen for NUT on "
              + settings.host()
              + ":"
              + settings.port()
              + ": "
              + why
              + " (set UPSFLEET_NUT_PORT to another port, or 0 for none)",
          e);
    }
  }

  /** The bound port. */
  public int port() {
    return ((InetSocketAddress) serverChannel.localAddress()).getPort();
  }

  /** Open NUT connections. */
  public int connectionCount() {
    return connections.size();
  }

  @Override
  public void close() {
    serverChannel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    connections.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    boss.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
  }
}
