package io.upsfleet.gateway.http;

import io.upsfleet.api.rest.AccountView;
import io.upsfleet.api.rest.CreateAccountRequest;
import io.upsfleet.api.rest.CreateUserRequest;
import io.upsfleet.api.rest.PageView;
import io.upsfleet.api.rest.UserView;
import io.upsfleet.cluster.account.Account;
import io.upsfleet.cluster.account.Principal;
import io.upsfleet.cluster.account.Role;
import io.upsfleet.cluster.account.User;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Accounts and their users. Support creates and lists accounts; an account's admin manages its
 * users; a customer sees only their own account (another account is a 404).
 */
final class AccountRoutes extends ApiDirectives {
  private static final String USERNAME = "[A-Za-z0-9._@-]{3,64}";

  private final LicenseRoutes licenses;
  private final ReportRoutes reports;
  private final ResellerRoutes resellers;

  AccountRoutes(ApiContext api, LicenseRoutes licenses) {
    super(api);
    this.licenses = licenses;
    this.reports = new ReportRoutes(api);
    this.resellers = new ResellerRoutes(api, reports);
  }

  Route routes() {
    return authenticated(
        p ->
            concat(
                pathEnd(
                    () ->
                        concat(
                            post(
                                () ->
                                    jsonBody(
                                        CreateAccountRequest.class, req -> createAccount(p, req))),
                            get(
                                () ->
                                    paging(
                                        (page, size) ->
                                            completeOk(
                                                api.accounts
                                                    .accounts(p.restrictedTo(), page * size, size)
                                                    .thenCombine(
                                                        api.accounts.countAccounts(
                                                            p.restrictedTo()),
                                                        (list, total) ->
                                                            new PageView<>(
                                                                list.stream()
                                                                    .map(AccountRoutes::view)
                                                                    .toList(),
                                                                page,
                                                                size,
                                                                total))))))),
                pathPrefix(
                    id -> {
                      UUID accountId = pathId(id);
                      if (!p.canSee(accountId)) throw notFound(accountId);
                      return concat(
                          pathEnd(
                              () ->
                                  get(
                                      () ->
                                          completeOk(
                                              api.accounts
                                                  .account(accountId)
                                                  .thenApply(
                                                      a ->
                                                          view(
                                                              a.orElseThrow(
                                                                  () -> notFound(accountId))))))),
                          path("entitlements", () -> licenses.entitlements(accountId)),
                          pathPrefix("reports", () -> reports.routes(p, accountId)),
                          path("reseller", () -> resellers.forAccount(p, accountId)),
                          path(
                              "users",
                              () ->
                                  concat(
                                      post(
                                          () ->
                                              jsonBody(
                                                  CreateUserRequest.class,
                                                  req -> createUser(p, accountId, req))),
                                      get(
                                          () ->
                                              completeOk(
                                                  api.accounts
                                                      .users(Optional.of(accountId))
                                                      .thenApply(
                                                          users ->
                                                              users.stream()
                                                                  .map(AccountRoutes::view)
                                                                  .toList()))))));
                    })));
  }

  private Route createAccount(Principal p, CreateAccountRequest req) {
    if (!p.role().isSupport())
      throw forbidden(p, "account.create", "only support staff create accounts");
    String name = req.name() == null ? "" : req.name().trim();
    new Validation()
        .require(
            !name.isEmpty()
                && name.length() <= 200
                && name.chars().noneMatch(Character::isISOControl),
            "name",
            "is required: 1 to 200 printable characters")
        .throwIfInvalid();
    CompletionStage<Account> created =
        api.accounts
            .createAccount(name, p.username())
            .thenApply(
                a -> {
                  api.audit.record(
                      p.username(), a.id(), "account.create", a.id().toString(), "OK", name);
                  return a;
                });
    return completeJson(StatusCodes.CREATED, created.thenApply(AccountRoutes::view));
  }

  private Route createUser(Principal p, UUID accountId, CreateUserRequest req) {
    if (!p.canManage(accountId))
      throw forbidden(p, "user.create", "only support or the account's admin add users");
    Validation v = credentials(req);
    Optional<Role> role = parseRole(req.role());
    v.require(
        role.isPresent() && !role.get().isSupport() && !role.get().isReseller(),
        "role",
        "must be one of [ACCOUNT_ADMIN, ACCOUNT_VIEWER]");
    v.throwIfInvalid();
    CompletionStage<User> created =
        api.accounts
            .createUser(req.username(), req.password(), role.get(), accountId)
            .thenApply(
                u -> {
                  api.audit.record(
                      p.username(), accountId, "user.create", u.username(), "OK", u.role().name());
                  return u;
                });
    return completeJson(StatusCodes.CREATED, created.thenApply(AccountRoutes::view));
  }

  /** {@code POST /api/v1/support-users}: support staff add colleagues. */
  Route supportUsers() {
    return authenticated(
        p ->
            pathEnd(
                () ->
                    post(
                        () ->
                            jsonBody(
                                CreateUserRequest.class,
                                req -> {
                                  if (!p.role().isSupport())
                                    throw forbidden(
                                        p, "user.create", "only support staff add support users");
                                  Validation v = credentials(req);
                                  v.require(
                                      req.role() == null || "SUPPORT".equals(req.role()),
                                      "role",
                                      "must be SUPPORT or omitted");
                                  v.throwIfInvalid();
                                  return completeJson(
                                      StatusCodes.CREATED,
                                      api.accounts
                                          .createUser(
                                              req.username(), req.password(), Role.SUPPORT, null)
                                          .thenApply(
                                              u -> {
                                                api.audit.record(
                                                    p.username(),
                                                    null,
                                                    "user.create",
                                                    u.username(),
                                                    "OK",
                                                    "SUPPORT");
                                                return view(u);
                                              }));
                                }))));
  }

  /** Checks a new user's name and password; more checks may be added to the returned validation. */
  private static Validation credentials(CreateUserRequest req) {
    return new Validation()
        .require(
            req.username() != null && req.username().matches(USERNAME),
            "username",
            "is required: 3 to 64 of letters, digits, . _ @ -")
        .require(
            req.password() != null
                && req.password().length() >= 12
                && req.password().length() <= 200,
            "password",
            "is required: 12 to 200 characters");
  }

  private ApiException forbidden(Principal p, String action, String detail) {
    api.audit.record(p.username(), p.accountId(), action, null, "FORBIDDEN", detail);
    return ApiException.forbidden(detail);
  }

  private static ApiException notFound(UUID accountId) {
    return ApiException.notFound("no account " + accountId);
  }

  private static Optional<Role> parseRole(String raw) {
    if (raw == null) return Optional.empty();
    try {
      return Optional.of(Role.valueOf(raw));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  static AccountView view(Account a) {
    return new AccountView(a.id().toString(), a.name(), a.createdAt());
  }

  static UserView view(User u) {
    return new UserView(
        u.id().toString(),
        u.username(),
        u.role().name(),
        u.accountId() == null ? null : u.accountId().toString(),
        u.createdAt());
  }
}
