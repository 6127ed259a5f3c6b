package io.upsfleet.load.notify;

import io.upsfleet.api.client.UpsfleetClient;
import io.upsfleet.api.rest.DestinationRequest;
import io.upsfleet.api.rest.DestinationView;
import io.upsfleet.api.rest.DeviceSummary;
import io.upsfleet.api.rest.PageView;
import io.upsfleet.api.rest.PolicyRequest;
import io.upsfleet.api.rest.SiteRequest;
import io.upsfleet.api.rest.SiteView;
import io.upsfleet.load.fleet.Member;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * What S3 with notifications needs, made through the API before the wave: the fleet's devices
 * spread over sites of their accounts ({@code S3-site-<n>}, reused when they exist, so a second run
 * moves nothing), and per account a generic webhook destination to the {@link WebhookReceiver} and
 * a policy for {@code ON_BATTERY} and {@code POWER_RESTORED} on all devices (which also makes site
 * incidents). {@link #close()} deletes the destinations and policies again, so a later run's dead
 * receiver is not posted to.
 */
public final class NotifySetup implements AutoCloseable {
  static final String SITE_PREFIX = "S3-site-";
  private final UpsfleetClient support;
  private final Map<String, String> siteOf;
  private final List<String[]> created = new ArrayList<>(); // {accountId, destinationId, policyId}
  private final int patched;

  private NotifySetup(UpsfleetClient support, Map<String, String> siteOf, int patched) {
    this.support = support;
    this.siteOf = siteOf;
    this.patched = patched;
  }

  /** serial -> the name of its site. */
  public Map<String, String> siteOf() {
    return siteOf;
  }

  /** Devices moved into their site by this run (0 when a previous run placed them). */
  public int patched() {
    return patched;
  }

  /**
   * Places {@code members} in about {@code sites} sites (each account gets a share proportional to
   * its devices, at least one; contiguous runs of the file), then creates the destinations and
   * policies.
   */
  public static NotifySetup prepare(
      UpsfleetClient support,
      List<Member> members,
      int sites,
      WebhookReceiver receiver,
      IntConsumer progress)
      throws InterruptedException {
    Map<String, String> accountOf = accounts(support, members);
    Map<String, List<String>> byAccount = new LinkedHashMap<>();
    for (Member m : members) {
      String account = accountOf.get(m.serial());
      if (account == null)
        throw new IllegalStateException("device " + m.serial() + " is not known to the gateway");
      byAccount.computeIfAbsent(account, a -> new ArrayList<>()).add(m.serial());
    }
    Map<String, String> siteOf = new HashMap<>();
    Map<String, String> wanted = new LinkedHashMap<>(); // serial -> site id
    Map<String, Integer> shares = shares(byAccount, sites, members.size());
    int n = 0;
    for (Map.Entry<String, List<String>> a : byAccount.entrySet()) {
      List<String> serials = a.getValue();
      int mine = shares.get(a.getKey());
      Map<String, SiteView> existing = new HashMap<>();
      for (SiteView s : support.sites(a.getKey())) existing.put(s.name(), s);
      for (int k = 0; k < mine; k++) {
        String name = SITE_PREFIX + (++n);
        SiteView site = existing.get(name);
        if (site == null) site = support.createSite(a.getKey(), new SiteRequest(name, null, "UTC"));
        Set<String> already = inSite(support, site.id());
        int from = (int) ((long) serials.size() * k / mine);
        int to = (int) ((long) serials.size() * (k + 1) / mine);
        for (String serial : serials.subList(from, to)) {
          siteOf.put(serial, name);
          if (!already.contains(serial)) wanted.put(serial, site.id());
        }
      }
    }
    patch(support, wanted, progress);
    NotifySetup setup = new NotifySetup(support, Map.copyOf(siteOf), wanted.size());
    int d = 0;
    try {
      for (String account : byAccount.keySet()) {
        int number = ++d;
        DestinationView dest =
            support.createDestination(
                account,
                new DestinationRequest(
                    "WEBHOOK", "S3 benchmark receiver", receiver.url(number), null));
        receiver.secret(number, dest.secret());
        String policy =
            support
                .createPolicy(
                    account,
                    new PolicyRequest(
                        "S3 benchmark",
                        null,
                        List.of("ON_BATTERY", "POWER_RESTORED"),
                        List.of(),
                        List.of(),
                        List.of(dest.id()),
                        false))
                .id();
        setup.created.add(new String[] {account, dest.id(), policy});
      }
    } catch (RuntimeException e) {
      setup.close();
      throw e;
    }
    return setup;
  }

  /**
   * Sites per account: proportional to its devices (largest remainders, so they add up to {@code
   * sites}), at least one and at most one per device.
   */
  static Map<String, Integer> shares(Map<String, List<String>> byAccount, int sites, int devices) {
    Map<String, Integer> out = new LinkedHashMap<>();
    List<Map.Entry<String, Double>> remainders = new ArrayList<>();
    int given = 0;
    for (Map.Entry<String, List<String>> a : byAccount.entrySet()) {
      double exact = (double) sites * a.getValue().size() / devices;
      out.put(a.getKey(), (int) exact);
      given += (int) exact;
      remainders.add(Map.entry(a.getKey(), exact - (int) exact));
    }
    remainders.sort(Map.Entry.<String, Double>comparingByValue().reversed());
    for (int i = 0; given < sites && i < remainders.size(); i++, given++)
      out.merge(remainders.get(i).getKey(), 1, Integer::sum);
    for (Map.Entry<String, List<String>> a : byAccount.entrySet())
      out.put(a.getKey(), Math.max(1, Math.min(a.getValue().size(), out.get(a.getKey()))));
    return out;
  }

  /** Every member's account, from the device list (support sees every account). */
  private static Map<String, String> accounts(UpsfleetClient support, List<Member> members) {
    Set<String> wanted = new HashSet<>();
    for (Member m : members) wanted.add(m.serial());
    Map<String, String> out = new HashMap<>();
    for (int page = 0; ; page++) {
      PageView<DeviceSummary> p =
          support.devices(Map.of("size", "500", "page", Integer.toString(page)));
      for (DeviceSummary d : p.items())
        if (wanted.contains(d.serial())) out.put(d.serial(), d.accountId());
      if (p.items().isEmpty() || (long) (page + 1) * 500 >= p.total()) break;
    }
    return out;
  }

  private static Set<String> inSite(UpsfleetClient support, String siteId) {
    Set<String> out = new HashSet<>();
    for (int page = 0; ; page++) {
      PageView<DeviceSummary> p =
          support.devices(Map.of("site", siteId, "size", "500", "page", Integer.toString(page)));
      p.items().forEach(d -> out.add(d.serial()));
      if (p.items().isEmpty() || (long) (page + 1) * 500 >= p.total()) break;
    }
    return out;
  }

  /**
   * One {@code PATCH} per device, 4 at a time; a 429 (the API's per-user rate limit, 50/s by
   * default) waits a second and tries again.
   */
  private static void patch(
      UpsfleetClient support, Map<String, String> wanted, IntConsumer progress)
      throws InterruptedException {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    AtomicInteger done = new AtomicInteger();
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (Map.Entry<String, String> w : wanted.entrySet()) {
        futures.add(
            pool.submit(
                () -> {
                  for (int attempt = 0; ; attempt++) {
                    try {
                      support.setSite(w.getKey(), w.getValue());
                      break;
                    } catch (UpsfleetClient.ApiError e) {
                      if (e.status() != 429 || attempt > 600) throw e;
                      Thread.sleep(1000);
                    }
                  }
                  progress.accept(done.incrementAndGet());
                  return null;
                }));
      }
      for (Future<?> f : futures) {
        try {
          f.get();
        } catch (ExecutionException e) {
          throw new IllegalStateException("placing devices in sites failed: " + e.getCause(), e);
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Override
  public void close() {
    for (String[] c : created) {
      try {
        support.deletePolicy(c[0], c[2]);
        support.deleteDestination(c[0], c[1]);
      } catch (RuntimeException e) {
        System.out.printf("  could not delete the S3 destination %s: %s%n", c[1], e.getMessage());
      }
    }
    created.clear();
  }
}
