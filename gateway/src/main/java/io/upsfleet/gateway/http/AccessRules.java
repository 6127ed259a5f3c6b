package io.upsfleet.gateway.http;

import io.upsfleet.cluster.account.Role;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Who may call which authenticated route: the one table of role rules, enforced for every request
 * by {@link ApiDirectives#authenticated} before the route runs (403 otherwise, audited) and shown
 * in the README ({@link #markdown}). A route missing from the table is not served (404, or 405 when
 * the path has rules for other methods): a new route must be added here to be reachable.
 *
 * <p>The table says which <em>roles</em> may call a route; which <em>account</em> a customer may
 * reach is tenancy, checked by the route (another account's resource is a 404). Pure and immutable.
 */
final class AccessRules {
  /** Every role, a reseller's included (signing out, one's own password). */
  private static final Set<Role> ALL = EnumSet.allOf(Role.class);

  /** Every role but RESELLER, which sees only the reseller routes (issue 12). */
  private static final Set<Role> EVERYONE = EnumSet.complementOf(EnumSet.of(Role.RESELLER));

  private static final Set<Role> RESELLERS = EnumSet.of(Role.RESELLER);
  private static final Set<Role> SUPPORT = EnumSet.of(Role.SUPPORT);
  private static final Set<Role> ADMINS = EnumSet.of(Role.SUPPORT, Role.ACCOUNT_ADMIN);
  private static final Set<Role> OPERATORS =
      EnumSet.of(Role.SUPPORT, Role.ACCOUNT_ADMIN, Role.ACCOUNT_OPERATOR);

  /**
   * One row: the action's name in the audit trail, a method and a path pattern under {@code
   * /api/v1} ({@code {name}} matches one segment), the roles allowed, and what it does.
   *
   * @param beforePasswordChange whether a user who must change their password may call it
   */
  record Rule(
      String action,
      String method,
      String pattern,
      Set<Role> roles,
      String what,
      boolean beforePasswordChange,
      List<String> segments) {
    Rule {
      roles = Set.copyOf(roles);
      segments = List.copyOf(segments);
    }

    boolean allows(Role role) {
      return roles.contains(role);
    }

    /**
     * Whether a call is recorded in the audit trail: every change by anyone, and every support read
     * of customer data (not of the catalogues nor of support's own users).
     */
    boolean audited(Role role) {
      if (!method.equals("GET")) return true;
      return role == Role.SUPPORT
          && !action.startsWith("catalogue.")
          && !action.equals("support-user.list");
    }

    /** How specific a match is: literal segments before placeholders, position by position. */
    private String specificity() {
      StringBuilder b = new StringBuilder();
      for (String s : segments) b.append(s.startsWith("{") ? '0' : '1');
      return b.toString();
    }

    boolean matches(List<String> path) {
      if (path.size() != segments.size()) return false;
      for (int i = 0; i < path.size(); i++) {
        String s = segments.get(i);
        if (!s.startsWith("{") && !s.equals(path.get(i))) return false;
      }
      return true;
    }
  }

  /** The table, in README order. */
  static final List<Rule> RULES =
      List.of(
          rule("auth.logout", "POST", "/auth/logout", ALL, "revoke the presented token", true),
          rule(
              "auth.logout-all",
              "POST",
              "/auth/logout-all",
              ALL,
              "sign out everywhere (every token)",
              true),
          rule("auth.password", "POST", "/auth/password", ALL, "change one's own password", true),
          rule("account.create", "POST", "/accounts", SUPPORT, "create an account"),
          rule(
              "account.list", "GET", "/accounts", EVERYONE, "list accounts (customers: their own)"),
          rule("account.read", "GET", "/accounts/{id}", EVERYONE, "one account"),
          rule(
              "license.entitlements",
              "GET",
              "/accounts/{id}/entitlements",
              EVERYONE,
              "the account's licenses"),
          rule("user.list", "GET", "/accounts/{id}/users", EVERYONE, "the account's users"),
          rule("user.create", "POST", "/accounts/{id}/users", ADMINS, "add a user"),
          rule(
              "user.update",
              "PATCH",
              "/accounts/{id}/users/{userId}",
              ADMINS,
              "disable / enable a user, change its role"),
          rule(
              "user.password-reset",
              "POST",
              "/accounts/{id}/users/{userId}/password",
              ADMINS,
              "reset a user's password (changed at next sign-in)"),
          rule(
              "report.download",
              "GET",
              "/accounts/{id}/reports/{file}",
              EVERYONE,
              "MyInventory / MyRenewals as CSV or XLSX"),
          rule(
              "reseller.read",
              "GET",
              "/accounts/{id}/reseller",
              EVERYONE,
              "the account's preferred reseller and consent"),
          rule(
              "reseller.invite",
              "POST",
              "/accounts/{id}/reseller",
              ADMINS,
              "name a preferred reseller (consent to share lifecycle data)"),
          rule(
              "reseller.revoke",
              "DELETE",
              "/accounts/{id}/reseller",
              ADMINS,
              "revoke the reseller's consent and access"),
          rule(
              "reseller.accounts",
              "GET",
              "/reseller/accounts",
              RESELLERS,
              "a reseller's consenting accounts"),
          rule(
              "reseller.renewals",
              "GET",
              "/reseller/accounts/{id}/reports/{file}",
              RESELLERS,
              "MyRenewals of a consenting account"),
          rule("site.list", "GET", "/accounts/{id}/sites", EVERYONE, "the account's sites"),
          rule("site.create", "POST", "/accounts/{id}/sites", ADMINS, "add a site"),
          rule(
              "notify.destination-list",
              "GET",
              "/accounts/{id}/notification-destinations",
              EVERYONE,
              "notification destinations (secrets never shown)"),
          rule(
              "notify.destination-create",
              "POST",
              "/accounts/{id}/notification-destinations",
              ADMINS,
              "add an e-mail, Slack, Teams or webhook destination"),
          rule(
              "notify.destination-delete",
              "DELETE",
              "/accounts/{id}/notification-destinations/{destinationId}",
              ADMINS,
              "remove a destination"),
          rule(
              "notify.destination-test",
              "POST",
              "/accounts/{id}/notification-destinations/{destinationId}/test",
              ADMINS,
              "send a test message"),
          rule(
              "notify.policy-list",
              "GET",
              "/accounts/{id}/notification-policies",
              EVERYONE,
              "notification policies"),
          rule(
              "notify.policy-create",
              "POST",
              "/accounts/{id}/notification-policies",
              ADMINS,
              "add a policy"),
          rule(
              "notify.policy-update",
              "PUT",
              "/accounts/{id}/notification-policies/{policyId}",
              ADMINS,
              "change a policy (the whole policy, as on creation)"),
          rule(
              "notify.policy-delete",
              "DELETE",
              "/accounts/{id}/notification-policies/{policyId}",
              ADMINS,
              "remove a policy"),
          rule(
              "notify.deliveries",
              "GET",
              "/accounts/{id}/notification-deliveries",
              EVERYONE,
              "the delivery log"),
          rule("notify.incidents", "GET", "/accounts/{id}/incidents", EVERYONE, "site outages"),
          rule("support-user.list", "GET", "/support-users", SUPPORT, "list support users"),
          rule("user.create", "POST", "/support-users", SUPPORT, "add a support user"),
          rule(
              "support-user.update",
              "PATCH",
              "/support-users/{userId}",
              SUPPORT,
              "disable / enable a support user (never the last active one)"),
          rule("device.register", "POST", "/devices", ADMINS, "register a device"),
          rule("device.register-bulk", "POST", "/devices/bulk", ADMINS, "register many devices"),
          rule("device.list", "GET", "/devices", EVERYONE, "the device list"),
          rule("device.summary", "GET", "/devices/summary", EVERYONE, "counts"),
          rule("device.read", "GET", "/devices/{serial}", EVERYONE, "a device's live view"),
          rule("device.deregister", "DELETE", "/devices/{serial}", ADMINS, "deregister a device"),
          rule(
              "device.update",
              "PATCH",
              "/devices/{serial}",
              ADMINS,
              "set or clear a device's site"),
          rule(
              "device.rotate-secret",
              "POST",
              "/devices/{serial}/secret",
              ADMINS,
              "rotate a device's secret"),
          rule(
              "device.transfer",
              "POST",
              "/devices/{serial}/transfer",
              SUPPORT,
              "move a device to another account"),
          rule(
              "device.events", "GET", "/devices/{serial}/events", EVERYONE, "a device's event log"),
          rule(
              "device.telemetry",
              "GET",
              "/devices/{serial}/telemetry",
              EVERYONE,
              "a device's telemetry history"),
          rule("device.plan", "GET", "/devices/{serial}/plan", EVERYONE, "a device's plan"),
          rule(
              "device.operations",
              "GET",
              "/devices/{serial}/operations",
              EVERYONE,
              "which operations are allowed"),
          rule(
              "command.request",
              "POST",
              "/devices/{serial}/commands",
              OPERATORS,
              "send a remote command"),
          rule(
              "command.list", "GET", "/devices/{serial}/commands", EVERYONE, "a device's commands"),
          rule("command.read", "GET", "/devices/{serial}/commands/{id}", EVERYONE, "one command"),
          rule(
              "command.cancel",
              "POST",
              "/devices/{serial}/commands/{id}/cancel",
              OPERATORS,
              "cancel a pending command"),
          rule("event.feed", "GET", "/events", EVERYONE, "the fleet-wide event feed (JSON or CSV)"),
          rule("audit.read", "GET", "/audit", ADMINS, "the audit trail (JSON or CSV)"),
          rule("license.order", "POST", "/license-orders", SUPPORT, "create a license order"),
          rule("license.orders", "GET", "/license-orders", EVERYONE, "license orders"),
          rule("license.order-read", "GET", "/license-orders/{id}", EVERYONE, "one order"),
          rule(
              "license.resend",
              "POST",
              "/license-orders/{id}/resend",
              SUPPORT,
              "resend an order's code"),
          rule(
              "license.redeem",
              "POST",
              "/activation-codes/{code}/redeem",
              ADMINS,
              "redeem an activation code"),
          rule(
              "license.assign",
              "POST",
              "/assignments",
              EVERYONE,
              "assign licenses to devices (operators and viewers: only `\"preview\": true`)"),
          rule("catalogue.skus", "GET", "/skus", EVERYONE, "the SKU catalogue"),
          rule("catalogue.firmware", "GET", "/firmware", EVERYONE, "the firmware catalogue"),
          rule(
              "rollout.start", "POST", "/firmware-rollouts", OPERATORS, "start a firmware rollout"),
          rule("rollout.read", "GET", "/firmware-rollouts/{id}", EVERYONE, "a rollout's progress"),
          rule(
              "rollout.pause",
              "POST",
              "/firmware-rollouts/{id}/pause",
              OPERATORS,
              "pause a rollout"),
          rule(
              "rollout.resume",
              "POST",
              "/firmware-rollouts/{id}/resume",
              OPERATORS,
              "resume a rollout"),
          rule(
              "rollout.abort",
              "POST",
              "/firmware-rollouts/{id}/abort",
              OPERATORS,
              "abort a rollout"));

  /** Roles that may assign licenses for real, not only preview (the one row with a condition). */
  static final Set<Role> ASSIGN_FOR_REAL = ADMINS;

  private AccessRules() {}

  private static Rule rule(
      String action, String method, String pattern, Set<Role> roles, String what) {
    return rule(action, method, pattern, roles, what, false);
  }

  private static Rule rule(
      String action,
      String method,
      String pattern,
      Set<Role> roles,
      String what,
      boolean beforeChange) {
    return new Rule(action, method, pattern, roles, what, beforeChange, segments(pattern));
  }

  private static List<String> segments(String path) {
    List<String> out = new ArrayList<>();
    for (String s : path.split("/")) if (!s.isEmpty()) out.add(s);
    return out;
  }

  /** The outcome of looking a request up. */
  sealed interface Lookup permits Found, NoSuchRoute, WrongMethod {}

  /** The rule of the request. */
  record Found(Rule rule) implements Lookup {}

  /** No rule for this path. */
  record NoSuchRoute() implements Lookup {}

  /** Rules for this path, but none for this method. */
  record WrongMethod(Set<String> allowed) implements Lookup {}

  /**
   * The rule of {@code method} on {@code path} (under {@code /api/v1}, e.g. {@code
   * /devices/AS1/events}); the most specific when several match.
   */
  static Lookup lookup(String method, String path) {
    List<String> segments = segments(path);
    Optional<Rule> best = Optional.empty();
    Set<String> otherMethods = new TreeSet<>();
    for (Rule r : RULES) {
      if (!r.matches(segments)) continue;
      if (!r.method().equals(method)) {
        otherMethods.add(r.method());
        continue;
      }
      if (best.isEmpty() || r.specificity().compareTo(best.get().specificity()) > 0)
        best = Optional.of(r);
    }
    if (best.isPresent()) return new Found(best.get());
    return otherMethods.isEmpty() ? new NoSuchRoute() : new WrongMethod(otherMethods);
  }

  /** The table as Markdown, exactly as in the README. */
  static String markdown() {
    StringBuilder b = new StringBuilder();
    b.append("| route | audit action | ");
    b.append(
        ALL.stream().sorted().map(r -> "`" + r.name() + "`").collect(Collectors.joining(" | ")));
    b.append(" | what |\n|---|---|");
    b.append("---|".repeat(ALL.size()));
    b.append("---|\n");
    for (Rule r : RULES) {
      b.append("| `").append(r.method()).append(" /api/v1").append(r.pattern()).append("` | ");
      b.append("`").append(r.action()).append("` | ");
      for (Role role : EnumSet.allOf(Role.class)) {
        b.append(r.allows(role) ? "yes" : "—").append(" | ");
      }
      b.append(r.what()).append(" |\n");
    }
    return b.toString();
  }
}
