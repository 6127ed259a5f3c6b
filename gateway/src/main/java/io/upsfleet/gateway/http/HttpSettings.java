package io.upsfleet.gateway.http;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.List;

/**
 * Typed settings of the HTTP API, block {@code upsfleet.gateway.http}; a bad value fails fast
 * naming its key.
 *
 * @param host interface to bind
 * @param port TCP port (0 = any free port)
 * @param maxBodyBytes largest accepted request body (after decompression)
 * @param requestsPerSecond sustained requests per principal (or per client address before sign-in)
 * @param burst requests a principal may make at once above the sustained rate
 * @param tokenCacheTtl how long a resolved token is trusted without asking the database (bounds
 *     revocation delay)
 * @param maxPageSize largest page a list may return
 * @param trustedProxies peer addresses whose {@code X-Forwarded-For} is believed (e.g. the
 *     console's)
 * @param signInFailuresPerUser failed sign-ins allowed at once for one username from one address
 * @param signInFailuresPerAddress failed sign-ins allowed at once from one address, whatever the
 *     usernames
 * @param signInFailureRefill after the allowance, one more failed sign-in per this duration (both
 *     limits)
 */
public record HttpSettings(
    String host,
    int port,
    long maxBodyBytes,
    double requestsPerSecond,
    int burst,
    Duration tokenCacheTtl,
    int maxPageSize,
    List<String> trustedProxies,
    int signInFailuresPerUser,
    int signInFailuresPerAddress,
    Duration signInFailureRefill) {

  public HttpSettings {
    check(port >= 0 && port <= 65535, "port", "must be 0..65535");
    check(
        maxBodyBytes >= 1024 && maxBodyBytes <= 16 * 1024 * 1024,
        "max-body-size",
        "must be 1KiB..16MiB");
    check(requestsPerSecond > 0, "requests-per-second", "must be positive");
    check(burst >= 1, "burst", "must be at least 1");
    check(!tokenCacheTtl.isNegative(), "token-cache-ttl", "must not be negative");
    check(maxPageSize >= 1 && maxPageSize <= 1000, "max-page-size", "must be 1..1000");
    check(
        signInFailuresPerUser >= 1 && signInFailuresPerUser <= 10_000,
        "sign-in.failures-per-user",
        "must be 1..10000");
    check(
        signInFailuresPerAddress >= 1 && signInFailuresPerAddress <= 100_000,
        "sign-in.failures-per-address",
        "must be 1..100000");
    check(
        !signInFailureRefill.isNegative() && !signInFailureRefill.isZero(),
        "sign-in.failure-refill",
        "must be positive");
  }

  public static HttpSettings fromConfig(Config root) {
    Config c = root.getConfig("upsfleet.gateway.http");
    return new HttpSettings(
        c.getString("host"),
        c.getInt("port"),
        c.getBytes("max-body-size"),
        c.getDouble("requests-per-second"),
        c.getInt("burst"),
        c.getDuration("token-cache-ttl"),
        c.getInt("max-page-size"),
        c.getStringList("trusted-proxies"),
        c.getInt("sign-in.failures-per-user"),
        c.getInt("sign-in.failures-per-address"),
        c.getDuration("sign-in.failure-refill"));
  }

  private static void check(boolean ok, String key, String message) {
    if (!ok) throw new IllegalArgumentException("upsfleet.gateway.http." + key + " " + message);
  }
}
