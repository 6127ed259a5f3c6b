package io.upsfleet.cluster.licensing;

import io.upsfleet.cluster.Jdbc;
import io.upsfleet.cluster.device.UpsDevice;
import io.upsfleet.cluster.device.UpsDevices;
import io.upsfleet.cluster.plan.Grant;
import io.upsfleet.cluster.plan.Sku;
import io.upsfleet.cluster.plan.TermSource;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;

/**
 * The subscription engine's façade: purchase orders and their activation codes, redemption,
 * assignment of entitlements to devices (with preview), listings. Thread-safe and non-blocking;
 * refusals complete exceptionally with {@link LicensingException}.
 *
 * <p>An assignment first reserves every entitlement it needs on the order (all or none: the order
 * entity is the single writer of its counts), then applies each to its device (devices ignore an
 * assignment id they have seen), then marks it applied. If the node dies in between, the order
 * re-drives what is pending; nothing is applied twice and nothing is lost.
 */
public final class Licensing {
  private final ClusterSharding sharding;
  private final UpsDevices devices;
  private final ActivationCodes codes;
  private final Jdbc jdbc;
  private final Promotions promotions;
  private final Duration askTimeout;
  private final Clock clock;

  private Licensing(
      ClusterSharding sharding,
      UpsDevices devices,
      ActivationCodes codes,
      Jdbc jdbc,
      Promotions promotions,
      Duration askTimeout,
      Clock clock) {
    this.sharding = sharding;
    this.devices = devices;
    this.codes = codes;
    this.jdbc = jdbc;
    this.promotions = promotions;
    this.askTimeout = askTimeout;
    this.clock = clock;
  }

  /** Starts the order shard region on this node. */
  public static Licensing init(
      ActorSystem<?> system,
      UpsDevices devices,
      Jdbc jdbc,
      Promotions promotions,
      Duration retryAfter,
      Clock clock) {
    ClusterSharding sharding = ClusterSharding.get(system);
    sharding.init(
        Entity.of(
            LicenseOrder.ENTITY_TYPE_KEY,
            ctx ->
                LicenseOrder.create(
                    ctx.getEntityId(),
                    r ->
                        devices
                            .applyEntitlements(r.serial(), r.assignmentId(), r.grants(), "system")
                            .thenApply(reply -> reply instanceof UpsDevice.PlanSummary),
                    retryAfter,
                    clock)));
    return new Licensing(
        sharding,
        devices,
        new ActivationCodes(jdbc),
        jdbc,
        promotions,
        devices.settings().askTimeout(),
        clock);
  }

  public Promotions promotions() {
    return promotions;
  }

  private EntityRef<LicenseOrder.Command> order(UUID id) {
    return sharding.entityRefFor(LicenseOrder.ENTITY_TYPE_KEY, id.toString());
  }

  /** A requested order line before promotions. */
  public record LineRequest(String sku, int quantity) {}

  /**
   * Creates an order and its code (volume promotions add their bonus); the code e-mail is queued.
   */
  public CompletionStage<LicenseOrder.OrderView> createOrder(
      String poNumber,
      List<LineRequest> lines,
      String channel,
      String installerEmail,
      String createdBy) {
    Instant now = clock.instant();
    List<OrderLine> withBonus = promotions.withVolumeBonus(lines, now);
    UUID id = UUID.randomUUID();
    String code = ActivationCodes.generate();
    return codes
        .register(code, id, now)
        .thenCompose(
            v ->
                order(id)
                    .<LicenseOrder.Reply>ask(
                        r ->
                            new LicenseOrder.Create(
                                poNumber, withBonus, channel, installerEmail, code, createdBy, r),
                        askTimeout))
        .thenApply(Licensing::done);
  }

  /** Queues the code's e-mail again. */
  public CompletionStage<LicenseOrder.OrderView> resend(UUID orderId, String by) {
    return order(orderId)
        .<LicenseOrder.Reply>ask(r -> new LicenseOrder.RequestEmail(by, r), askTimeout)
        .thenApply(Licensing::done);
  }

  /** One order as its entity knows it (support only: it carries the code). */
  public CompletionStage<LicenseOrder.OrderView> get(UUID orderId) {
    return order(orderId)
        .<LicenseOrder.Reply>ask(LicenseOrder.Get::new, askTimeout)
        .thenApply(Licensing::done);
  }

  /** The order of a typed code; NOT_FOUND when it is no code. */
  public CompletionStage<UUID> orderOfCode(String typed) {
    Optional<String> code = ActivationCodes.normalize(typed);
    if (code.isEmpty()) return CompletableFuture.failedFuture(LicensingException.codeNotFound());
    return codes
        .orderOf(code.get())
        .thenApply(o -> o.orElseThrow(LicensingException::codeNotFound));
  }

  /** Makes a code {@code accountId}'s. */
  public CompletionStage<LicenseOrder.OrderView> redeem(String typed, UUID accountId, String by) {
    return accountExists(accountId)
        .thenCompose(v -> orderOfCode(typed))
        .thenCompose(
            id ->
                order(id)
                    .<LicenseOrder.Reply>ask(
                        r -> new LicenseOrder.Redeem(accountId, by, r), askTimeout))
        .thenApply(Licensing::done);
  }

  /**
   * Fails NOT_FOUND unless the account exists: a code redeemed for a mistyped account would be
   * lost.
   */
  private CompletionStage<Void> accountExists(UUID accountId) {
    return jdbc.run(
        c -> {
          try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM accounts WHERE id = ?")) {
            ps.setObject(1, accountId);
            try (ResultSet rs = ps.executeQuery()) {
              if (!rs.next())
                throw new LicensingException(
                    LicenseOrder.Reason.NOT_FOUND, "no account " + accountId);
              return null;
            }
          }
        });
  }

  /** What one device got (or would get) from an assignment. */
  public record DeviceOutcome(
      String serial, List<String> assignmentIds, UpsDevice.PlanSummary plan) {}

  /**
   * Assigns (or with {@code preview} only computes) one entitlement of each of {@code skus}, in
   * that order, to each device. {@code skus} may be empty when the order has exactly one SKU. With
   * an {@code idempotencyKey}, repeating the same request applies nothing twice.
   */
  public CompletionStage<List<DeviceOutcome>> assign(
      String typedCode,
      UUID accountId,
      List<String> serials,
      List<String> skus,
      boolean preview,
      String by,
      String idempotencyKey) {
    return orderOfCode(typedCode)
        .thenCompose(
            orderId ->
                order(orderId)
                    .<LicenseOrder.Reply>ask(LicenseOrder.Get::new, askTimeout)
                    .thenApply(Licensing::done)
                    .thenCompose(
                        view -> {
                          if (view.accountId() == null)
                            throw new LicensingException(
                                LicenseOrder.Reason.NOT_REDEEMED,
                                "redeem the code before assigning it");
                          if (!view.accountId().equals(accountId))
                            throw LicensingException.codeNotFound();
                          List<String> chosen = chooseSkus(view, skus);
                          return checkDevices(serials, accountId)
                              .thenCompose(
                                  v ->
                                      preview
                                          ? previewAll(view, orderId, serials, chosen)
                                          : applyAll(
                                              orderId,
                                              accountId,
                                              serials,
                                              chosen,
                                              by,
                                              idempotencyKey));
                        }));
  }

  private static List<String> chooseSkus(LicenseOrder.OrderView view, List<String> skus) {
    List<String> onOrder = view.lines().stream().map(OrderLine::sku).toList();
    if (skus.isEmpty()) {
      if (onOrder.size() != 1) {
        throw new LicensingException(
            LicenseOrder.Reason.INVALID,
            "the code has several SKUs; name them in 'skus': " + onOrder);
      }
      return onOrder;
    }
    for (String s : skus) {
      if (!onOrder.contains(s))
        throw new LicensingException(LicenseOrder.Reason.INVALID, "the code has no " + s);
    }
    return skus;
  }

  private CompletionStage<Void> checkDevices(List<String> serials, UUID accountId) {
    CompletableFuture<?>[] checks =
        serials.stream()
            .map(
                serial ->
                    devices
                        .plan(serial)
                        .thenAccept(
                            reply -> {
                              if (!(reply instanceof UpsDevice.PlanSummary p)
                                  || !accountId.toString().equals(p.accountId())) {
                                throw new LicensingException(
                                    LicenseOrder.Reason.NOT_FOUND, "no device " + serial);
                              }
                            })
                        .toCompletableFuture())
            .toArray(CompletableFuture[]::new);
    return CompletableFuture.allOf(checks);
  }

  private List<Grant> grantsFor(String skuCode, Instant at) {
    Sku sku =
        Sku.parse(skuCode)
            .orElseThrow(
                () ->
                    new LicensingException(LicenseOrder.Reason.INVALID, "unknown SKU " + skuCode));
    List<Grant> grants = new ArrayList<>();
    grants.add(new Grant(sku, sku.isLicense() ? TermSource.LICENSE : TermSource.WARRANTY, null));
    if (sku.isLicense()) grants.addAll(promotions.activationBonuses(sku, at));
    return grants;
  }

  private CompletionStage<List<DeviceOutcome>> previewAll(
      LicenseOrder.OrderView view, UUID orderId, List<String> serials, List<String> skus) {
    Map<String, Integer> needed = new LinkedHashMap<>();
    for (String s : skus) needed.merge(s, serials.size(), Integer::sum);
    for (Map.Entry<String, Integer> n : needed.entrySet()) {
      int left = view.available().getOrDefault(n.getKey(), 0);
      if (left < n.getValue()) {
        throw new LicensingException(
            LicenseOrder.Reason.INSUFFICIENT,
            "the code has " + left + " " + n.getKey() + " left, " + n.getValue() + " requested");
      }
    }
    Instant now = clock.instant();
    List<Grant> grants = new ArrayList<>();
    for (String s : skus) grants.addAll(grantsFor(s, now));
    List<CompletableFuture<DeviceOutcome>> outcomes =
        serials.stream()
            .map(
                serial ->
                    devices
                        .previewEntitlements(serial, grants)
                        .thenApply(
                            reply -> new DeviceOutcome(serial, List.of(), summary(serial, reply)))
                        .toCompletableFuture())
            .toList();
    return CompletableFuture.allOf(outcomes.toArray(CompletableFuture[]::new))
        .thenApply(v -> outcomes.stream().map(CompletableFuture::join).toList());
  }

  private CompletionStage<List<DeviceOutcome>> applyAll(
      UUID orderId,
      UUID accountId,
      List<String> serials,
      List<String> skus,
      String by,
      String idempotencyKey) {
    Instant now = clock.instant();
    Map<String, List<Reservation>> perDevice = new LinkedHashMap<>();
    List<Reservation> all = new ArrayList<>();
    for (String serial : serials) {
      List<Reservation> mine = new ArrayList<>();
      for (int i = 0; i < skus.size(); i++) {
        String id =
            idempotencyKey == null
                ? UUID.randomUUID().toString()
                : digest(
                    idempotencyKey + "|" + orderId + "|" + serial + "|" + i + "|" + skus.get(i));
        Reservation r = new Reservation(id, serial, skus.get(i), grantsFor(skus.get(i), now));
        mine.add(r);
        all.add(r);
      }
      perDevice.put(serial, mine);
    }
    EntityRef<LicenseOrder.Command> order = order(orderId);
    return order
        .<LicenseOrder.Reply>ask(r -> new LicenseOrder.Reserve(accountId, all, by, r), askTimeout)
        .thenApply(Licensing::done)
        .thenCompose(
            reserved -> {
              List<CompletableFuture<DeviceOutcome>> outcomes = new ArrayList<>();
              for (Map.Entry<String, List<Reservation>> e : perDevice.entrySet()) {
                outcomes.add(
                    applySequentially(order, e.getKey(), e.getValue(), by).toCompletableFuture());
              }
              return CompletableFuture.allOf(outcomes.toArray(CompletableFuture[]::new))
                  .thenApply(v -> outcomes.stream().map(CompletableFuture::join).toList());
            });
  }

  /**
   * One device's reservations, in order (stacking depends on it), each marked applied on the order.
   */
  private CompletionStage<DeviceOutcome> applySequentially(
      EntityRef<LicenseOrder.Command> order,
      String serial,
      List<Reservation> reservations,
      String by) {
    CompletionStage<UpsDevice.PlanReply> chain = CompletableFuture.completedFuture(null);
    for (Reservation r : reservations) {
      chain =
          chain.thenCompose(
              prev ->
                  devices
                      .applyEntitlements(serial, r.assignmentId(), r.grants(), by)
                      .thenApply(
                          reply -> {
                            if (reply instanceof UpsDevice.PlanSummary) {
                              order.tell(new LicenseOrder.Complete(r.assignmentId()));
                            } else {
                              order.tell(
                                  new LicenseOrder.Release(r.assignmentId(), "DEVICE_NOT_FOUND"));
                            }
                            return reply;
                          }));
    }
    return chain.thenApply(
        last ->
            new DeviceOutcome(
                serial,
                reservations.stream().map(Reservation::assignmentId).toList(),
                summary(serial, last)));
  }

  private static UpsDevice.PlanSummary summary(String serial, UpsDevice.PlanReply reply) {
    if (reply instanceof UpsDevice.PlanSummary p) return p;
    throw new LicensingException(LicenseOrder.Reason.NOT_FOUND, "no device " + serial);
  }

  private static LicenseOrder.OrderView done(LicenseOrder.Reply reply) {
    if (reply instanceof LicenseOrder.Done d) return d.order();
    LicenseOrder.Rejected r = (LicenseOrder.Rejected) reply;
    throw new LicensingException(r.reason(), r.message());
  }

  private static String digest(String s) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)))
          .substring(0, 32);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  // ----------------------------------------------------------------------------------- read models

  /** An order as listed (never with its code). */
  public record OrderSummary(
      UUID orderId,
      String poNumber,
      String channel,
      String installerEmail,
      String codeHint,
      UUID accountId,
      Instant redeemedAt,
      Instant createdAt,
      String createdBy,
      List<LineSummary> lines) {}

  /** One SKU of an order with its counts. */
  public record LineSummary(
      String sku, int quantity, int bonus, int used, int pending, int available) {}

  /** Orders, newest first; {@code account} restricts to one account's redeemed codes. */
  public CompletionStage<List<OrderSummary>> orders(Optional<UUID> account, int page, int size) {
    return jdbc.run(
        c -> {
          List<OrderSummary> out = new ArrayList<>();
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT order_id, po_number, channel, installer_email, code_hint, account_id, redeemed_at, created_at,"
                      + " created_by FROM license_orders"
                      + (account.isPresent() ? " WHERE account_id = ?" : "")
                      + " ORDER BY created_at DESC, order_id OFFSET ? LIMIT ?")) {
            int i = 1;
            if (account.isPresent()) ps.setObject(i++, account.get());
            ps.setLong(i++, (long) page * size);
            ps.setInt(i, size);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                Timestamp redeemed = rs.getTimestamp(7);
                out.add(
                    new OrderSummary(
                        rs.getObject(1, UUID.class),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getString(4),
                        rs.getString(5),
                        rs.getObject(6, UUID.class),
                        redeemed == null ? null : redeemed.toInstant(),
                        rs.getTimestamp(8).toInstant(),
                        rs.getString(9),
                        new ArrayList<>()));
              }
            }
          }
          for (OrderSummary o : out) o.lines().addAll(lines(c, o.orderId()));
          return out;
        });
  }

  /** An account's entitlements per SKU over all its redeemed codes. */
  public CompletionStage<List<LineSummary>> entitlements(UUID account) {
    return jdbc.run(
        c -> {
          Map<String, int[]> sums = new LinkedHashMap<>();
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT order_id FROM license_orders WHERE account_id = ? ORDER BY created_at")) {
            ps.setObject(1, account);
            List<UUID> ids = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) ids.add(rs.getObject(1, UUID.class));
            }
            for (UUID id : ids) {
              for (LineSummary l : lines(c, id)) {
                int[] s = sums.computeIfAbsent(l.sku(), k -> new int[5]);
                s[0] += l.quantity();
                s[1] += l.bonus();
                s[2] += l.used();
                s[3] += l.pending();
                s[4] += l.available();
              }
            }
          }
          List<LineSummary> out = new ArrayList<>();
          sums.forEach((sku, s) -> out.add(new LineSummary(sku, s[0], s[1], s[2], s[3], s[4])));
          return out;
        });
  }

  private static List<LineSummary> lines(Connection c, UUID orderId) throws SQLException {
    List<LineSummary> out = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT l.sku, l.quantity, l.bonus,"
                + " (SELECT count(*) FROM license_assignments a WHERE a.order_id = l.order_id AND a.sku = l.sku AND a.status = 'APPLIED'),"
                + " (SELECT count(*) FROM license_assignments a WHERE a.order_id = l.order_id AND a.sku = l.sku AND a.status = 'PENDING')"
                + " FROM license_order_lines l WHERE l.order_id = ? ORDER BY l.sku")) {
      ps.setObject(1, orderId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          int q = rs.getInt(2);
          int b = rs.getInt(3);
          int used = rs.getInt(4);
          int pending = rs.getInt(5);
          out.add(new LineSummary(rs.getString(1), q, b, used, pending, q + b - used - pending));
        }
      }
    }
    return out;
  }

  /** Orders with reservations pending longer than {@code olderThan} (for the watchdog). */
  public CompletionStage<List<UUID>> stalled(Duration olderThan, int limit) {
    return jdbc.run(
        c -> {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT DISTINCT order_id FROM license_assignments"
                      + " WHERE status = 'PENDING' AND reserved_at < ? LIMIT ?")) {
            ps.setTimestamp(1, Timestamp.from(clock.instant().minus(olderThan)));
            ps.setInt(2, limit);
            List<UUID> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) out.add(rs.getObject(1, UUID.class));
            }
            return out;
          }
        });
  }

  /** Wakes an order so it re-drives its pending reservations. */
  public void wake(UUID orderId) {
    order(orderId).tell(new LicenseOrder.Wake());
  }
}
