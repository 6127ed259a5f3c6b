package io.upsfleet.gateway.http;

import io.upsfleet.api.rest.AccountView;
import io.upsfleet.api.rest.CreateAccountRequest;
import io.upsfleet.api.rest.CreateUserRequest;
import io.upsfleet.api.rest.PageView;
import io.upsfleet.api.rest.ResetPasswordRequest;
import io.upsfleet.api.rest.UpdateUserRequest;
import io.upsfleet.api.rest.UserView;
import io.upsfleet.cluster.account.Account;
import io.upsfleet.cluster.account.Principal;
import io.upsfleet.cluster.account.Role;
import io.upsfleet.cluster.account.User;
import java.util.List;
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
                          new NotificationRoutes(api).accountRoutes(p, accountId),
                          pathPrefix(
                              "users",
                              () -> pathPrefix(userId -> user(p, accountId, pathId(userId)))),
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

  /**
   * {@code PATCH /accounts/{id}/users/{userId}} ({@code disabled}, {@code role}) and {@code POST
   * …/password} (an admin sets a password the user must change at next sign-in).
   */
  private Route user(Principal p, UUID accountId, UUID userId) {
    return concat(
        pathEnd(
            () ->
                patch(
                    () ->
                        jsonBody(
                            UpdateUserRequest.class,
                            req -> {
                              Optional<Role> role = Optional.empty();
                              Validation v = new Validation();
                              if (req.role() != null) {
                                role = parseRole(req.role()).filter(r -> !r.isSupport());
                                v.require(
                                    role.isPresent(), "role", "must be one of " + CUSTOMER_ROLES);
                              }
                              v.require(
                                  req.role() != null || req.disabled() != null,
                                  "(body)",
                                  "give disabled, role or both");
                              v.require(
                                  !userId.equals(p.userId()) || req.disabled() == null,
                                  "disabled",
                                  "you cannot disable yourself");
                              v.throwIfInvalid();
                              return completeOk(
                                  api.accounts
                                      .updateUser(
                                          userId,
                                          Optional.of(accountId),
                                          req.disabled(),
                                          role.orElse(null))
                                      .thenApply(AccountRoutes::view));
                            }))),
        path(
            "password",
            () ->
                post(
                    () ->
                        jsonBody(
                            ResetPasswordRequest.class,
                            req -> {
                              new Validation()
                                  .require(
                                      Passwords.acceptable(req.password()),
                                      "password",
                                      Passwords.RULE)
                                  .throwIfInvalid();
                              return completeOk(
                                  api.accounts
                                      .resetPassword(userId, Optional.of(accountId), req.password())
                                      .thenApply(AccountRoutes::view));
                            }))));
  }

  private static final List<String> CUSTOMER_ROLES =
      List.of("ACCOUNT_ADMIN", "ACCOUNT_OPERATOR", "ACCOUNT_VIEWER");

  private Route createAccount(Principal p, CreateAccountRequest req) {
    String name = req.name() == null ? "" : req.name().trim();
    new Validation()
        .require(
            !name.isEmpty()
                && name.length() <= 200
                && name.chars().noneMatch(Character::isISOControl),
            "name",
            "is required: 1 to 200 printable characters")
        .throwIfInvalid();
    CompletionStage<Account> created = api.accounts.createAccount(name, p.username());
    return completeJson(StatusCodes.CREATED, created.thenApply(AccountRoutes::view));
  }

  private Route createUser(Principal p, UUID accountId, CreateUserRequest req) {
    Validation v = credentials(req);
    Optional<Role> role = parseRole(req.role());
    v.require(
        role.isPresent() && !role.get().isSupport() && !role.get().isReseller(),
        "role",
        "must be one of " + CUSTOMER_ROLES);
    v.throwIfInvalid();
    CompletionStage<User> created =
        api.accounts.createUser(req.username(), req.password(), role.get(), accountId);
    return completeJson(StatusCodes.CREATED, created.thenApply(AccountRoutes::view));
  }

  /**
   * {@code /api/v1/support-users}: support staff list, add and disable colleagues (never the last
   * active one).
   */
  Route supportUsers() {
    return authenticated(
        p ->
            concat(
                pathPrefix(
                    userId ->
                        pathEnd(
                            () ->
                                patch(
                                    () ->
                                        jsonBody(
                                            UpdateUserRequest.class,
                                            req -> {
                                              new Validation()
                                                  .require(
                                                      req.role() == null,
                                                      "role",
                                                      "support users keep their role")
                                                  .require(
                                                      req.disabled() != null,
                                                      "disabled",
                                                      "is required")
                                                  .throwIfInvalid();
                                              return completeOk(
                                                  api.accounts
                                                      .updateUser(
                                                          pathId(userId),
                                                          Optional.empty(),
                                                          req.disabled(),
                                                          null)
                                                      .thenApply(AccountRoutes::view));
                                            })))),
                pathEnd(
                    () ->
                        get(
                            () ->
                                completeOk(
                                    api.accounts
                                        .supportUsers()
                                        .thenApply(
                                            users ->
                                                users.stream()
                                                    .map(AccountRoutes::view)
                                                    .toList())))),
                pathEnd(
                    () ->
                        post(
                            () ->
                                jsonBody(
                                    CreateUserRequest.class,
                                    req -> {
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
                                                  req.username(),
                                                  req.password(),
                                                  Role.SUPPORT,
                                                  null)
                                              .thenApply(AccountRoutes::view));
                                    })))));
  }

  /** Checks a new user's name and password; more checks may be added to the returned validation. */
  private static Validation credentials(CreateUserRequest req) {
    return new Validation()
        .require(
            req.username() != null && req.username().matches(USERNAME),
            "username",
            "is required: 3 to 64 of letters, digits, . _ @ -")
        .require(Passwords.acceptable(req.password()), "password", Passwords.RULE);
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
        u.createdAt(),
        u.disabled(),
        u.mustChangePassword());
  }
}
