package io.upsfleet.gateway.http;

import java.time.Clock;

/**
 * What the route classes share: settings, the services they work through, authentication and rate
 * limits.
 */
final class ApiContext {
  final HttpSettings http;
  final ApiServices.TokenService tokens;
  final ApiServices.AccountService accounts;
  final ApiServices.DeviceService devices;
  final ApiServices.DirectoryService directory;
  final ApiServices.CredentialService credentials;
  final ApiServices.HistoryService history;
  final ApiServices.LicenseService licensing;
  final ApiServices.RolloutService rollouts;
  final ApiServices.AuditService audit;
  final ApiServices.HealthService health;
  final ApiServices.NotificationService notifications;
  final Authenticator authenticator;
  final RateLimiter rateLimiter;
  final Clock clock;

  ApiContext(HttpSettings http, ApiServices services, Clock clock) {
    this.http = http;
    this.tokens = services.tokens();
    this.accounts = services.accounts();
    this.devices = services.devices();
    this.directory = services.directory();
    this.credentials = services.credentials();
    this.history = services.history();
    this.licensing = services.licensing();
    this.rollouts = services.rollouts();
    this.audit = services.audit();
    this.health = services.health();
    this.notifications = services.notifications();
    this.clock = clock;
    this.authenticator = new Authenticator(tokens, http.tokenCacheTtl(), clock);
    this.rateLimiter = new RateLimiter(http.requestsPerSecond(), http.burst());
  }
}
