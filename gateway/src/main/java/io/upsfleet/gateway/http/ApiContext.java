package io.upsfleet.gateway.http;

import io.upsfleet.cluster.UpsfleetCluster;
import java.time.Clock;

/**
 * What the route classes share: settings, the cluster's façades, authentication and rate limits.
 */
final class ApiContext {
  final HttpSettings http;
  final UpsfleetCluster cluster;
  final Authenticator authenticator;
  final RateLimiter rateLimiter;
  final Clock clock;

  ApiContext(HttpSettings http, UpsfleetCluster cluster, Clock clock) {
    this.http = http;
    this.cluster = cluster;
    this.clock = clock;
    this.authenticator = new Authenticator(cluster.accounts(), http.tokenCacheTtl());
    this.rateLimiter = new RateLimiter(http.requestsPerSecond(), http.burst());
  }
}
