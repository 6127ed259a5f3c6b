package io.upsfleet.cluster.notify;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;

/**
 * The server-side request forgery guard of destination URLs (RELIABILITY.md's SSRF case): {@code
 * https} only, no user info, a host that resolves only to public addresses (not loopback, private,
 * link-local, carrier-grade NAT, unique-local, multicast, unspecified or the cloud metadata
 * address), optionally one of an allow-list. Checked when a destination is created and again, after
 * a fresh DNS resolution, before every send; the sender follows no redirects. {@code allowLoopback}
 * (tests and the demo only) lets {@code http} and loopback addresses through.
 */
public final class UrlGuard {
  /** Resolves a host name to its addresses (the JDK resolver in production). */
  @FunctionalInterface
  public interface Resolver {
    InetAddress[] resolve(String host) throws UnknownHostException;
  }

  /** Why a URL is refused; the message is meant for the user. */
  public static final class Refused extends Exception {
    public Refused(String message) {
      super(message);
    }
  }

  private final boolean allowLoopback;
  private final List<String> allowedHosts;
  private final Resolver resolver;

  public UrlGuard(boolean allowLoopback, List<String> allowedHosts, Resolver resolver) {
    this.allowLoopback = allowLoopback;
    this.allowedHosts = allowedHosts.stream().map(h -> h.toLowerCase(Locale.ROOT)).toList();
    this.resolver = resolver;
  }

  public UrlGuard(NotificationSettings settings) {
    this(settings.allowLoopback(), settings.allowedHosts(), InetAddress::getAllByName);
  }

  /** The URL, checked and resolved now; throws {@link Refused} with the reason. */
  public URI check(String raw) throws Refused {
    if (raw == null || raw.isBlank() || raw.length() > 2000)
      throw new Refused("must be an https URL of at most 2000 characters");
    URI uri;
    try {
      uri = new URI(raw);
    } catch (URISyntaxException e) {
      throw new Refused("is not a valid URL");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    boolean http = scheme.equals("http");
    if (!scheme.equals("https") && !(http && allowLoopback)) throw new Refused("must use https");
    if (uri.getRawUserInfo() != null) throw new Refused("must not contain user information");
    String host = uri.getHost();
    if (host == null || host.isEmpty()) throw new Refused("has no host");
    String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    if (!allowedHosts.isEmpty() && !allowedHosts.contains(bare.toLowerCase(Locale.ROOT)))
      throw new Refused("host " + bare + " is not in upsfleet.notifications.allowed-hosts");
    InetAddress[] addresses;
    try {
      addresses = resolver.resolve(bare);
    } catch (UnknownHostException e) {
      throw new Refused("host " + bare + " does not resolve");
    }
    if (addresses.length == 0) throw new Refused("host " + bare + " does not resolve");
    for (InetAddress a : addresses) {
      String why = forbidden(a);
      if (why == null) continue;
      if (allowLoopback && a.isLoopbackAddress()) continue;
      throw new Refused("host " + bare + " resolves to " + a.getHostAddress() + ", " + why);
    }
    if (http) {
      for (InetAddress a : addresses)
        if (!a.isLoopbackAddress()) throw new Refused("must use https");
    }
    return uri;
  }

  /** Why a destination may not be at {@code a}, or null when it may. */
  static String forbidden(InetAddress a) {
    if (a.isLoopbackAddress()) return "a loopback address";
    if (a.isAnyLocalAddress()) return "an unspecified address";
    if (a.isLinkLocalAddress()) {
      return isMetadata(a) ? "the cloud metadata address" : "a link-local address";
    }
    if (a.isSiteLocalAddress()) return "a private address";
    if (a.isMulticastAddress()) return "a multicast address";
    byte[] b = a.getAddress();
    if (a instanceof Inet4Address) {
      int b0 = b[0] & 0xff;
      int b1 = b[1] & 0xff;
      if (b0 == 100 && b1 >= 64 && b1 <= 127) return "a carrier-grade NAT address";
      if (b0 == 0) return "an unspecified address";
      if (b0 >= 240) return "a reserved address";
      if (b0 == 192 && b1 == 0 && (b[2] & 0xff) == 0) return "a reserved address";
      if (b0 == 198 && (b1 == 18 || b1 == 19)) return "a reserved address";
    } else if (a instanceof Inet6Address) {
      if ((b[0] & 0xfe) == 0xfc)
        return isMetadata(a) ? "the cloud metadata address" : "a private address";
      // IPv4-mapped (::ffff:a.b.c.d) and NAT64 (64:ff9b::a.b.c.d): judge the embedded address.
      boolean mapped = true;
      for (int i = 0; i < 10; i++) mapped &= b[i] == 0;
      mapped &= (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
      boolean nat64 =
          (b[0] & 0xff) == 0x00
              && (b[1] & 0xff) == 0x64
              && (b[2] & 0xff) == 0xff
              && (b[3] & 0xff) == 0x9b;
      if (mapped || nat64) {
        try {
          byte[] v4 = {b[12], b[13], b[14], b[15]};
          return forbidden(InetAddress.getByAddress(v4));
        } catch (UnknownHostException e) {
          return "an invalid address";
        }
      }
    }
    return null;
  }

  private static boolean isMetadata(InetAddress a) {
    String s = a.getHostAddress();
    return s.equals("169.254.169.254") || s.startsWith("fd00:ec2:0:0:0:0:0:254");
  }
}
