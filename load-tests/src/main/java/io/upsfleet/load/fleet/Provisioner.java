package io.upsfleet.load.fleet;

import io.upsfleet.api.client.UpsfleetClient;
import io.upsfleet.api.rest.BulkRegistrationRequest;
import io.upsfleet.api.rest.BulkRegistrationResult;
import io.upsfleet.api.rest.DeviceRegistration;
import io.upsfleet.load.device.SimulatedModel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.IntConsumer;

/**
 * Registers a fleet through the gateway's API (bulk, 1000 per request) across several accounts,
 * with a realistic mix of models, and keeps the serials and secrets in a CSV file for later runs.
 */
public final class Provisioner {
  private Provisioner() {}

  /**
   * Registers {@code devices} devices over {@code accounts} new accounts named {@code prefix-N};
   * serials are {@code prefix} (2 letters/digits) plus a counter, so runs with another prefix never
   * collide.
   */
  public static List<Member> provision(
      UpsfleetClient support,
      String prefix,
      int devices,
      int accounts,
      long seed,
      IntConsumer progress) {
    return provision(support, prefix, devices, accounts, seed, progress, new ArrayList<>());
  }

  /**
   * Like {@link #provision(UpsfleetClient, String, int, int, long,
   * java.util.function.IntConsumer)}, collecting the accounts.
   */
  public static List<Member> provision(
      UpsfleetClient support,
      String prefix,
      int devices,
      int accounts,
      long seed,
      IntConsumer progress,
      List<String> accountIdsOut) {
    Random random = new Random(seed);
    List<String> accountIds = new ArrayList<>();
    for (int a = 0; a < accounts; a++) {
      accountIds.add(
          support
              .createAccount("Fleet " + prefix + "-" + (a + 1) + "-" + Long.toHexString(seed))
              .id());
    }
    accountIdsOut.addAll(accountIds);
    List<Member> out = new ArrayList<>();
    int perAccount = (devices + accounts - 1) / accounts;
    int n = 0;
    for (String account : accountIds) {
      int mine = Math.min(perAccount, devices - n);
      for (int start = 0; start < mine; start += 1000) {
        List<BulkRegistrationRequest.Device> batch = new ArrayList<>();
        for (int i = start; i < Math.min(mine, start + 1000); i++) {
          SimulatedModel m = SimulatedModel.RANGE.get(random.nextInt(SimulatedModel.RANGE.size()));
          batch.add(new BulkRegistrationRequest.Device(serial(prefix, n + i), m.name()));
        }
        BulkRegistrationResult r = support.registerDevices(account, batch);
        for (DeviceRegistration d : r.registered())
          out.add(new Member(d.serial(), d.secret(), d.model()));
        if (!r.failed().isEmpty()) {
          throw new IllegalStateException(
              r.failed().size()
                  + " devices were not registered, e.g. "
                  + r.failed().get(0).serial()
                  + ": "
                  + r.failed().get(0).reason());
        }
        progress.accept(out.size());
      }
      n += mine;
    }
    return out;
  }

  /**
   * Makes every {@code every}-th device of the first account Advanced (an order, redeemed and
   * assigned through the API), so a demo fleet has devices that can reboot outlet groups.
   */
  public static int makeAdvanced(
      UpsfleetClient support, List<Member> members, String accountId, int every) {
    List<String> serials = new ArrayList<>();
    for (int i = 0; i < members.size(); i += every) serials.add(members.get(i).serial());
    if (serials.isEmpty()) return 0;
    var order =
        support.createOrder(
            "DEMO-ADVANCED",
            "SMARTCONNECT-ADVANCED-1Y",
            serials.size(),
            "ONLINE",
            "installer@example.com");
    support.redeem(order.code(), accountId);
    support.assign(order.code(), serials, List.of(), false, accountId);
    return serials.size();
  }

  static String serial(String prefix, int n) {
    return String.format("%s%010d", prefix, n);
  }

  public static void write(Path file, List<Member> members) throws IOException {
    List<String> lines = new ArrayList<>();
    lines.add("serial,secret,model");
    for (Member m : members) lines.add(m.serial() + "," + m.secret() + "," + m.model());
    Files.write(file, lines, StandardCharsets.UTF_8);
  }

  public static List<Member> read(Path file) throws IOException {
    List<Member> out = new ArrayList<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      if (line.startsWith("serial,") || line.isBlank()) continue;
      String[] f = line.split(",");
      if (f.length != 3) throw new IOException(file + ": bad line " + line);
      out.add(new Member(f[0], f[1], f[2]));
    }
    return out;
  }
}
