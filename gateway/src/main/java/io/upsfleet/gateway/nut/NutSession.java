package io.upsfleet.gateway.nut;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.ScheduledFuture;
import io.upsfleet.cluster.account.Accounts;
import io.upsfleet.cluster.account.PasswordHasher;
import io.upsfleet.cluster.account.Principal;
import io.upsfleet.cluster.audit.AuditLog;
import io.upsfleet.cluster.device.DeviceSnapshot;
import io.upsfleet.cluster.device.UpsDevice;
import io.upsfleet.cluster.operation.CommandType;
import io.upsfleet.cluster.operation.Operation;
import io.upsfleet.cluster.operation.OperationAllowance;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One NUT client connection, on its Netty event loop: reads command lines, answers each in order (a
 * command that asks the cluster holds the following lines until its answer is written), never
 * blocks. Replies and error codes are upsd's (nut {@code server/net*.c}, {@code
 * docs/net-protocol.txt}).
 *
 * <p>Who sees what: a session that sent {@code USERNAME} and {@code PASSWORD} of a upsfleet user
 * sees exactly that user's account's UPSs (a support user none unless {@code support-sees-all}); a
 * session without them sees every UPS only from an address in {@code anonymous-read-from}, else
 * none. Another account's UPS is {@code UNKNOWN-UPS}, as an unknown serial. Bad credentials answer
 * {@code ACCESS-DENIED} at the first command that needs them, as upsd does.
 */
final class NutSession extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(NutSession.class);
  static final String VERSION =
      "Network UPS Tools upsd 2.8.5 compatible (upsfleet) - https://www.networkupstools.org/";
  static final String HELP =
      "Commands: HELP VER PROTVER GET LIST SET INSTCMD LOGIN LOGOUT USERNAME PASSWORD STARTTLS";
  private static final Pattern SERIAL = Pattern.compile("[A-Z0-9]{8,20}");

  /** Consecutive unknown or malformed commands after which the connection is closed. */
  static final int MAX_ERRORS = 10;

  /** Lines decoded while a command waits for the cluster, before reads pause. */
  private static final int MAX_QUEUED = 16;

  private final NutSettings settings;
  private final NutServices services;
  private final NutServer.Shared shared;
  private final ArrayDeque<String> queued = new ArrayDeque<>();
  private ChannelHandlerContext ctx;
  private ScheduledFuture<?> idleCheck;
  private long lastLine = System.nanoTime();
  private boolean busy;
  private int errors;
  private String address = "unknown";
  private boolean anonymousReader;
  private String username;
  private String password;

  /** The result of checking username and password, once checked. */
  private CompletionStage<Identity> identity;

  private String loggedInto;

  /** The TLS context STARTTLS switches to, or null (none configured). */
  private final SslContext tls;

  private boolean encrypted;

  NutSession(NutSettings settings, NutServices services, NutServer.Shared shared, SslContext tls) {
    this.settings = settings;
    this.services = services;
    this.shared = shared;
    this.tls = tls;
  }

  // ------------------------------------------------------------------------------ Netty events

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    this.ctx = ctx;
    if (ctx.channel().remoteAddress() instanceof InetSocketAddress a) {
      address = a.getAddress().getHostAddress();
      anonymousReader = settings.anonymousReadFrom().contains(a.getAddress());
    }
    long period = Math.max(250, settings.idleTimeout().toMillis() / 4);
    idleCheck =
        ctx.executor()
            .scheduleAtFixedRate(this::closeIfIdle, period, period, TimeUnit.MILLISECONDS);
    super.channelActive(ctx);
  }

  /**
   * Closes a connection without a complete line for the idle time-out (also a line never ended).
   */
  private void closeIfIdle() {
    if (!busy && System.nanoTime() - lastLine > settings.idleTimeout().toNanos()) {
      ctx.close();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    if (idleCheck != null) idleCheck.cancel(false);
    if (loggedInto != null) shared.logout(loggedInto);
    loggedInto = null;
    super.channelInactive(ctx);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    String line;
    ByteBuf buf = (ByteBuf) msg;
    try {
      line = buf.toString(StandardCharsets.UTF_8);
    } finally {
      buf.release();
    }
    lastLine = System.nanoTime();
    if (busy) {
      queued.add(line);
      if (queued.size() >= MAX_QUEUED) ctx.channel().config().setAutoRead(false);
      return;
    }
    handleLine(line);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof TooLongFrameException) {
      ctx.writeAndFlush(Unpooled.copiedBuffer("ERR INVALID-ARGUMENT\n", StandardCharsets.US_ASCII))
          .addListener(ChannelFutureListener.CLOSE);
      return;
    }
    log.debug("NUT connection from {} failed: {}", address, cause.toString());
    ctx.close();
  }

  // ------------------------------------------------------------------------------ dispatch

  /** A reply (one or more lines, each ending in a newline), and whether to close after it. */
  record Reply(String text, boolean close) {
    static Reply of(String line) {
      return new Reply(line + "\n", false);
    }

    static Reply err(String code) {
      return of("ERR " + code);
    }
  }

  private void handleLine(String line) {
    CompletionStage<Reply> reply;
    try {
      reply = dispatch(line);
    } catch (RuntimeException e) {
      log.warn("NUT command failed: {}", e.toString());
      reply = CompletableFuture.completedFuture(Reply.err("INVALID-ARGUMENT"));
    }
    CompletableFuture<Reply> f = reply.toCompletableFuture();
    if (f.isDone()) {
      write(outcome(f));
    } else {
      busy = true;
      f.whenComplete(
          (r, e) ->
              ctx.executor()
                  .execute(
                      () -> {
                        busy = false;
                        write(outcome(f));
                        drain();
                      }));
    }
  }

  private static Reply outcome(CompletableFuture<Reply> f) {
    try {
      return f.join();
    } catch (RuntimeException e) {
      // The cluster did not answer in time, or the database is down: as a driver upsd cannot
      // reach.
      log.debug("NUT command failed: {}", e.toString());
      return Reply.err("DRIVER-NOT-CONNECTED");
    }
  }

  private void write(Reply r) {
    if (!ctx.channel().isActive()) return;
    String text = r.text();
    if (text.startsWith("ERR UNKNOWN-COMMAND") || text.startsWith("ERR INVALID-ARGUMENT")) {
      errors++;
    } else {
      errors = 0;
    }
    boolean close = r.close() || errors >= MAX_ERRORS;
    var done = ctx.writeAndFlush(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
    if (close) done.addListener(ChannelFutureListener.CLOSE);
    else if (!ctx.channel().isWritable()) ctx.close(); // a client that does not read its replies
  }

  private void drain() {
    while (!busy && !queued.isEmpty() && ctx.channel().isActive()) handleLine(queued.poll());
    if (queued.isEmpty()) ctx.channel().config().setAutoRead(true);
  }

  private static CompletionStage<Reply> now(Reply r) {
    return CompletableFuture.completedFuture(r);
  }

  private static CompletionStage<Reply> now(String line) {
    return now(Reply.of(line));
  }

  private static CompletionStage<Reply> error(String code) {
    return now(Reply.err(code));
  }

  private CompletionStage<Reply> dispatch(String line) {
    Optional<List<String>> parsed = NutWords.parse(line);
    if (parsed.isEmpty()) return error("INVALID-ARGUMENT");
    List<String> w = parsed.get();
    if (w.isEmpty()) return error("UNKNOWN-COMMAND");
    String cmd = w.get(0).toUpperCase(Locale.ROOT);
    switch (cmd) {
      case "VER":
        return now(VERSION);
      case "NETVER":
      case "PROTVER":
        return now("1.3");
      case "HELP":
        return now(HELP);
      case "STARTTLS":
        return startTls();
      case "LOGOUT":
        return now(new Reply("OK Goodbye\n", true));
      case "USERNAME":
        return username(w);
      case "PASSWORD":
        return password(w);
      case "LOGIN":
        return login(w);
      case "PRIMARY":
      case "MASTER":
        return primary(w, cmd);
      case "FSD":
        return fsd(w);
      case "GET":
        return get(w);
      case "LIST":
        return list(w);
      case "INSTCMD":
        return instcmd(w);
      case "SET":
        return set(w);
      default:
        return error("UNKNOWN-COMMAND");
    }
  }

  // ------------------------------------------------------------------------------ STARTTLS

  /**
   * upsd's STARTTLS: "OK STARTTLS" still in clear text, then the TLS handshake on the same
   * connection (the handler is put first in the pipeline with {@code startTls}, so that this one
   * reply leaves unencrypted). Before any credentials, as NUT clients do it.
   */
  private CompletionStage<Reply> startTls() {
    if (tls == null) return error("FEATURE-NOT-CONFIGURED");
    if (encrypted) return error("ALREADY-SSL-MODE");
    encrypted = true;
    ctx.pipeline().addFirst("tls", new SslHandler(tls.newEngine(ctx.alloc()), true));
    return now("OK STARTTLS");
  }

  // ------------------------------------------------------------------------------ sign-in

  /** Who this session is: a user, a permitted anonymous reader, nobody, or refused credentials. */
  record Identity(Principal principal, boolean denied) {
    static final Identity DENIED = new Identity(null, true);
    static final Identity ANONYMOUS = new Identity(null, false);
  }

  private CompletionStage<Reply> username(List<String> w) {
    if (w.size() != 2) return error("INVALID-ARGUMENT");
    if (username != null) return error("ALREADY-SET-USERNAME");
    if (w.get(1).length() > 100) return error("INVALID-ARGUMENT");
    username = w.get(1);
    return now("OK");
  }

  private CompletionStage<Reply> password(List<String> w) {
    if (w.size() != 2) return error("INVALID-ARGUMENT");
    if (username == null) return error("USERNAME-REQUIRED");
    if (password != null) return error("ALREADY-SET-PASSWORD");
    if (w.get(1).length() > 200) return error("INVALID-ARGUMENT");
    password = w.get(1);
    return now("OK");
  }

  /** Checks the credentials once per session (throttled like the API's sign-in). */
  private CompletionStage<Identity> identity() {
    if (username == null || password == null)
      return CompletableFuture.completedFuture(Identity.ANONYMOUS);
    if (identity == null) {
      String addressKey = "nut-ip:" + address;
      String userKey = addressKey + "|user:" + username.toLowerCase(Locale.ROOT);
      OptionalInt wait = shared.failuresPerAddress().check(addressKey);
      if (wait.isEmpty()) wait = shared.failuresPerUser().check(userKey);
      if (wait.isPresent()) {
        audit("nut.sign-in", null, username, "DENIED", "throttled", null);
        // Not remembered: a later command may try again once the wait is over.
        return CompletableFuture.completedFuture(Identity.DENIED);
      }
      identity =
          services
              .signIn(username, password)
              .thenApply(
                  p -> {
                    if (p.isEmpty()) {
                      shared.failuresPerUser().failed(userKey);
                      shared.failuresPerAddress().failed(addressKey);
                      audit(
                          "nut.sign-in",
                          null,
                          username,
                          "DENIED",
                          "wrong username or password",
                          null);
                      return Identity.DENIED;
                    }
                    audit("nut.sign-in", p.get(), username, "OK", null, null);
                    return new Identity(p.get(), false);
                  });
      // A failed check (node busy hashing, database down) is not remembered.
      CompletionStage<Identity> checking = identity;
      checking.whenComplete(
          (i, e) -> {
            if (e != null) ctx.executor().execute(() -> identity = null);
          });
    }
    return identity;
  }

  /**
   * Closes this session when {@code r} revokes the user it signed in as, or the API token it gave
   * as its password. Any thread.
   */
  void revoked(Accounts.Revocation r) {
    ChannelHandlerContext c = ctx;
    if (c == null) return;
    c.executor()
        .execute(
            () -> {
              Identity who = identity == null ? null : identity.toCompletableFuture().getNow(null);
              if (who == null || who.principal() == null) return;
              boolean user = r.userId() != null && r.userId().equals(who.principal().userId());
              boolean token =
                  r.tokenHash() != null
                      && password != null
                      && MessageDigest.isEqual(r.tokenHash(), PasswordHasher.sha256(password));
              if (user || token) {
                log.info(
                    "NUT session of {} from {} closed: its sign-in was revoked",
                    who.principal().username(),
                    address);
                c.close();
              }
            });
  }

  /** Whether {@code who} may read devices of {@code account}. */
  private boolean mayRead(Identity who, String account) {
    if (who.denied()) return false;
    Principal p = who.principal();
    if (p == null) return anonymousReader;
    if (p.role().isSupport()) return settings.supportSeesAll();
    return p.accountId() != null && p.accountId().toString().equals(account);
  }

  /** The error for a command that needs a signed-in user, or null when there is one to check. */
  private String needsCredentials() {
    if (username == null) return "USERNAME-REQUIRED";
    if (password == null) return "PASSWORD-REQUIRED";
    return null;
  }

  // ------------------------------------------------------------------------------ one UPS

  /** What a per-UPS command needs checked before it runs. */
  private enum Needs {
    VISIBLE,
    FRESH
  }

  /**
   * Runs {@code then} with the snapshot of UPS {@code ups} when this session may see it (and, for
   * {@link Needs#FRESH}, its data is not stale); the matching error otherwise.
   */
  private CompletionStage<Reply> withUps(
      String ups, Needs needs, Function<Seen, CompletionStage<Reply>> then) {
    if (!SERIAL.matcher(ups).matches()) return error("UNKNOWN-UPS");
    return identity()
        .thenCompose(
            who -> {
              if (who.denied()) return error("ACCESS-DENIED");
              if (who.principal() == null && !anonymousReader) return error("ACCESS-DENIED");
              return services
                  .snapshot(ups)
                  .thenCompose(
                      s -> {
                        if (!s.registered() || !mayRead(who, s.accountId()))
                          return error("UNKNOWN-UPS");
                        if (needs == Needs.FRESH && stale(s)) return error("DATA-STALE");
                        return then.apply(new Seen(who, s));
                      });
            });
  }

  /** A UPS this session may see, and who it is. */
  private record Seen(Identity who, DeviceSnapshot snapshot) {}

  /** Offline past the grace period, or no sample since its entity started: as a dead driver. */
  static boolean stale(DeviceSnapshot s) {
    return s.connectionLost() || s.telemetry() == null;
  }

  // ------------------------------------------------------------------------------ GET

  private CompletionStage<Reply> get(List<String> w) {
    if (w.size() < 2) return error("INVALID-ARGUMENT");
    String what = w.get(1).toUpperCase(Locale.ROOT);
    switch (what) {
      case "VAR":
        return variable(
            w, (name, value) -> "VAR " + w.get(2) + " " + name + " " + NutWords.quote(value));
      case "TYPE":
        return variable(
            w,
            (name, value) ->
                "TYPE " + w.get(2) + " " + name + " " + NutVariables.type(name, value));
      case "DESC":
        return described(w, "DESC", NutVariables::description);
      case "CMDDESC":
        return described(w, "CMDDESC", NutVariables::commandDescription);
      case "UPSDESC":
        if (w.size() != 3) return error("INVALID-ARGUMENT");
        return withUps(
            w.get(2),
            Needs.VISIBLE,
            seen -> now("UPSDESC " + w.get(2) + " " + NutWords.quote(describe(seen.snapshot()))));
      case "NUMLOGINS":
        if (w.size() != 3) return error("INVALID-ARGUMENT");
        return withUps(
            w.get(2),
            Needs.VISIBLE,
            seen -> now("NUMLOGINS " + w.get(2) + " " + shared.logins(seen.snapshot().serial())));
      default:
        return error("INVALID-ARGUMENT");
    }
  }

  /** {@code GET VAR|TYPE ups name}: {@code row} of the variable's name and value. */
  private CompletionStage<Reply> variable(List<String> w, BiFunction<String, String, String> row) {
    if (w.size() != 4) return error("INVALID-ARGUMENT");
    return withUps(
        w.get(2),
        Needs.FRESH,
        seen -> {
          String value = NutVariables.of(seen.snapshot()).get(w.get(3));
          return value == null ? error("VAR-NOT-SUPPORTED") : now(row.apply(w.get(3), value));
        });
  }

  /** {@code GET DESC|CMDDESC ups name}: {@code DESC ups name "text"}. */
  private CompletionStage<Reply> described(
      List<String> w, String kind, Function<String, String> text) {
    if (w.size() != 4) return error("INVALID-ARGUMENT");
    return withUps(
        w.get(2),
        Needs.VISIBLE,
        seen ->
            now(
                kind
                    + " "
                    + w.get(2)
                    + " "
                    + w.get(3)
                    + " "
                    + NutWords.quote(text.apply(w.get(3)))));
  }

  private static String describe(DeviceSnapshot s) {
    return s.model() == null ? "UPS" : s.model();
  }

  // ------------------------------------------------------------------------------ LIST

  private CompletionStage<Reply> list(List<String> w) {
    if (w.size() < 2) return error("INVALID-ARGUMENT");
    String what = w.get(1).toUpperCase(Locale.ROOT);
    switch (what) {
      case "UPS":
        if (w.size() != 2) return error("INVALID-ARGUMENT");
        return listUps();
      case "VAR":
        if (w.size() != 3) return error("INVALID-ARGUMENT");
        return withUps(
            w.get(2),
            Needs.FRESH,
            seen ->
                listed(
                    "VAR " + w.get(2),
                    NutVariables.of(seen.snapshot()),
                    (k, v) -> "VAR " + w.get(2) + " " + k + " " + NutWords.quote(v)));
      case "RW":
        if (w.size() != 3) return error("INVALID-ARGUMENT");
        return withUps(
            w.get(2),
            Needs.FRESH,
            seen -> {
              String v = NutVariables.of(seen.snapshot()).get(NutVariables.SENSITIVITY);
              return listed(
                  "RW " + w.get(2),
                  v == null ? Map.of() : Map.of(NutVariables.SENSITIVITY, v),
                  (k, x) -> "RW " + w.get(2) + " " + k + " " + NutWords.quote(x));
            });
      case "ENUM":
        if (w.size() != 4) return error("INVALID-ARGUMENT");
        return withUps(
            w.get(2),
            Needs.FRESH,
            seen -> {
              if (!NutVariables.of(seen.snapshot()).containsKey(w.get(3)))
                return error("VAR-NOT-SUPPORTED");
              StringBuilder b = begin("ENUM " + w.get(2) + " " + w.get(3));
              if (NutVariables.SENSITIVITY.equals(w.get(3))) {
                for (String s : NutVariables.SENSITIVITIES)
                  line(b, "ENUM " + w.get(2) + " " + w.get(3) + " " + NutWords.quote(s));
              }
              return now(end(b, "ENUM " + w.get(2) + " " + w.get(3)));
            });
      case "RANGE":
        if (w.size() != 4) return error("INVALID-ARGUMENT");
        return withUps(
            w.get(2),
            Needs.FRESH,
            seen -> {
              if (!NutVariables.of(seen.snapshot()).containsKey(w.get(3)))
                return error("VAR-NOT-SUPPORTED");
              String q = "RANGE " + w.get(2) + " " + w.get(3);
              return now(end(begin(q), q));
            });
      case "CMD":
        if (w.size() != 3) return error("INVALID-ARGUMENT");
        return withUps(
            w.get(2),
            Needs.FRESH,
            seen ->
                services
                    .allowedOperations(seen.snapshot().serial())
                    .thenApply(
                        reply -> {
                          List<String> cmds = commands(reply);
                          StringBuilder b = begin("CMD " + w.get(2));
                          for (String c : cmds) line(b, "CMD " + w.get(2) + " " + c);
                          return end(b, "CMD " + w.get(2));
                        }));
      case "CLIENT":
        if (w.size() != 3) return error("INVALID-ARGUMENT");
        // Other clients' addresses are not shown to anyone.
        return withUps(
            w.get(2),
            Needs.VISIBLE,
            seen -> now(end(begin("CLIENT " + w.get(2)), "CLIENT " + w.get(2))));
      default:
        return error("INVALID-ARGUMENT");
    }
  }

  /**
   * The instant commands of the device's model (the plan is not a filter: a command the plan does
   * not include is refused with {@code ACCESS-DENIED}, naming nothing the client must hide).
   */
  private static List<String> commands(UpsDevice.OperationReply reply) {
    if (!(reply instanceof UpsDevice.Allowances a)) return List.of();
    boolean selfTest = false;
    boolean reboot = false;
    int groups = 0;
    for (OperationAllowance o : a.operations()) {
      if (o.type() == CommandType.SELF_TEST) selfTest = true;
      if (o.type() == CommandType.OUTLET_GROUP_REBOOT) {
        reboot = true;
        groups = o.outletGroups();
      }
    }
    return NutVariables.commands(selfTest, reboot, groups);
  }

  private CompletionStage<Reply> listUps() {
    return identity()
        .thenCompose(
            who -> {
              if (who.denied()) return error("ACCESS-DENIED");
              Principal p = who.principal();
              CompletionStage<List<NutServices.Listed>> devices;
              if (p == null) {
                devices =
                    anonymousReader
                        ? services.devices(Optional.empty(), settings.maxListed())
                        : CompletableFuture.completedFuture(List.of());
              } else if (p.role().isSupport()) {
                devices =
                    settings.supportSeesAll()
                        ? services.devices(Optional.empty(), settings.maxListed())
                        : CompletableFuture.completedFuture(List.of());
              } else if (p.accountId() != null) {
                devices = services.devices(Optional.of(p.accountId()), settings.maxListed());
              } else {
                devices = CompletableFuture.completedFuture(List.of());
              }
              return devices.thenApply(
                  list -> {
                    StringBuilder b = begin("UPS");
                    for (NutServices.Listed d : list)
                      line(
                          b,
                          "UPS "
                              + d.serial()
                              + " "
                              + NutWords.quote(d.model() == null ? "UPS" : d.model()));
                    return end(b, "UPS");
                  });
            });
  }

  private static CompletionStage<Reply> listed(
      String query, Map<String, String> values, BiFunction<String, String, String> row) {
    StringBuilder b = begin(query);
    new TreeMap<>(values).forEach((k, v) -> line(b, row.apply(k, v)));
    return now(end(b, query));
  }

  private static StringBuilder begin(String query) {
    return new StringBuilder(256).append("BEGIN LIST ").append(query).append('\n');
  }

  private static void line(StringBuilder b, String line) {
    b.append(line).append('\n');
  }

  private static Reply end(StringBuilder b, String query) {
    return new Reply(b.append("END LIST ").append(query).append('\n').toString(), false);
  }

  // ------------------------------------------------------------------------------ LOGIN, FSD

  private CompletionStage<Reply> login(List<String> w) {
    if (w.size() != 2) return error("INVALID-ARGUMENT");
    String missing = needsCredentials();
    if (missing != null) return error(missing);
    if (loggedInto != null) return error("ALREADY-LOGGED-IN");
    return signedInWithUps(
        w.get(1),
        seen -> {
          if (loggedInto != null) return error("ALREADY-LOGGED-IN");
          loggedInto = seen.snapshot().serial();
          shared.login(loggedInto);
          return now("OK");
        });
  }

  private CompletionStage<Reply> primary(List<String> w, String cmd) {
    if (w.size() != 2) return error("INVALID-ARGUMENT");
    String missing = needsCredentials();
    if (missing != null) return error(missing);
    // Granted as upsd grants a user with "upsmon primary"; it lets upsmon run as primary (its
    // FSD is still refused: the cloud does not power UPSs off for one client).
    return signedInWithUps(w.get(1), seen -> now("OK " + cmd + "-GRANTED"));
  }

  private CompletionStage<Reply> fsd(List<String> w) {
    if (w.size() != 2) return error("INVALID-ARGUMENT");
    String missing = needsCredentials();
    if (missing != null) return error(missing);
    return signedInWithUps(
        w.get(1),
        seen -> {
          audit(
              "nut.fsd",
              seen.who().principal(),
              seen.snapshot().serial(),
              "DENIED",
              "forced shutdown is not offered through NUT",
              seen.snapshot());
          return error("ACCESS-DENIED");
        });
  }

  /** As {@link #withUps} for commands that need a signed-in user (not an anonymous reader). */
  private CompletionStage<Reply> signedInWithUps(
      String ups, Function<Seen, CompletionStage<Reply>> then) {
    return identity()
        .thenCompose(
            who ->
                who.principal() == null
                    ? error("ACCESS-DENIED")
                    : withUps(ups, Needs.VISIBLE, then));
  }

  // ------------------------------------------------------------------------------ INSTCMD, SET

  private CompletionStage<Reply> instcmd(List<String> w) {
    if (w.size() < 3 || w.size() > 4) return error("INVALID-ARGUMENT");
    String missing = needsCredentials();
    if (missing != null) return error(missing);
    String command = w.get(2);
    return signedInWithUps(
        w.get(1),
        seen -> {
          Optional<Operation> op = NutVariables.operation(command);
          if (op.isEmpty()) return error("CMD-NOT-SUPPORTED");
          return operate(seen, op.get(), "nut.instcmd", command);
        });
  }

  private CompletionStage<Reply> set(List<String> w) {
    if (w.size() < 2) return error("INVALID-ARGUMENT");
    if (!w.get(1).equalsIgnoreCase("VAR")) {
      // SET TRACKING: upsfleet tracks operations itself (API, event log); not offered here.
      return w.get(1).equalsIgnoreCase("TRACKING")
          ? error("FEATURE-NOT-SUPPORTED")
          : error("INVALID-ARGUMENT");
    }
    if (w.size() != 5) return error("INVALID-ARGUMENT");
    String missing = needsCredentials();
    if (missing != null) return error(missing);
    String var = w.get(3);
    String value = w.get(4);
    return signedInWithUps(
        w.get(2),
        seen -> {
          Map<String, String> vars = NutVariables.of(seen.snapshot());
          if (!NutVariables.SENSITIVITY.equals(var))
            return error(vars.containsKey(var) ? "READONLY" : "VAR-NOT-SUPPORTED");
          Optional<Operation.Sensitivity> level = Operation.Sensitivity.fromWire(value);
          if (level.isEmpty()) return error("INVALID-VALUE");
          return operate(
              seen, new Operation.SetInputSensitivity(level.get()), "nut.set", var + "=" + value);
        });
  }

  /** Asks the device's entity for {@code op} as the API does; audited whatever the outcome. */
  private CompletionStage<Reply> operate(Seen seen, Operation op, String action, String what) {
    Principal p = seen.who().principal();
    DeviceSnapshot s = seen.snapshot();
    UUID account = s.accountId() == null ? null : UUID.fromString(s.accountId());
    if (account == null || !p.canOperate(account)) {
      audit(action, p, s.serial(), "FORBIDDEN", what + ": role " + p.role(), s);
      return error("ACCESS-DENIED");
    }
    if (stale(s)) {
      audit(action, p, s.serial(), "REFUSED", what + ": data stale", s);
      return error("DATA-STALE");
    }
    return services
        .requestOperation(s.serial(), op, p.username())
        .thenApply(
            reply -> {
              if (reply instanceof UpsDevice.OperationAccepted a) {
                audit(action, p, s.serial(), "OK", what + " -> " + a.command().id(), s);
                return Reply.of("OK");
              }
              UpsDevice.OperationRefused r = (UpsDevice.OperationRefused) reply;
              audit(action, p, s.serial(), r.reason().name(), what + ": " + r.message(), s);
              return Reply.err(refusal(r.reason()));
            });
  }

  /** Where each refusal of an operation maps to a NUT error (only here). */
  static String refusal(UpsDevice.RefusalReason reason) {
    switch (reason) {
      case PLAN:
        return "ACCESS-DENIED";
      case UNSUPPORTED:
        return "CMD-NOT-SUPPORTED";
      case NOT_REGISTERED:
      case NOT_FOUND:
        return "UNKNOWN-UPS";
      default:
        return "INSTCMD-FAILED";
    }
  }

  private void audit(
      String action, Principal p, String target, String outcome, String details, DeviceSnapshot s) {
    services.audit(
        new AuditLog.Record(
            p == null ? (username == null ? "anonymous" : username) : p.username(),
            p == null ? null : p.role().name(),
            address,
            s == null || s.accountId() == null
                ? (p == null ? null : p.accountId())
                : UUID.fromString(s.accountId()),
            s == null ? null : s.serial(),
            action,
            target,
            outcome,
            details));
  }
}
