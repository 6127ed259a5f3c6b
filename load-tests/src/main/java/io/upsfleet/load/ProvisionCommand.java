package io.upsfleet.load;

import io.upsfleet.load.fleet.Member;
import io.upsfleet.load.fleet.Provisioner;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code provision}: registers devices through the API (bulk) and writes their serials and secrets.
 */
@Command(
    name = "provision",
    mixinStandardHelpOptions = true,
    description =
        "Register devices through the API (bulk) and write their serials and secrets to a CSV file.")
final class ProvisionCommand implements Callable<Integer> {
  @CommandLine.Mixin GatewayOptions gw = new GatewayOptions();

  @Option(names = "--devices", required = true, description = "how many devices")
  int devices;

  @Option(
      names = "--accounts",
      defaultValue = "5",
      description = "spread over this many new accounts (default ${DEFAULT-VALUE})")
  int accounts;

  @Option(
      names = "--prefix",
      defaultValue = "LT",
      description = "serial prefix, 2 letters/digits (default ${DEFAULT-VALUE})")
  String prefix;

  @Option(
      names = "--out",
      defaultValue = "devices.csv",
      description = "CSV file to write (default ${DEFAULT-VALUE})")
  Path out;

  @Override
  public Integer call() throws IOException {
    validatePrefix(prefix);
    long started = System.nanoTime();
    List<Member> members =
        Provisioner.provision(
            gw.signIn(),
            prefix,
            devices,
            accounts,
            System.nanoTime(),
            n -> System.out.printf("\r  registered %d/%d", n, devices));
    Provisioner.write(out, members);
    System.out.printf(
        "%n  %d devices in %.1f s, written to %s%n",
        members.size(), (System.nanoTime() - started) / 1e9, out.toAbsolutePath());
    return 0;
  }

  static void validatePrefix(String prefix) {
    if (!prefix.matches("[A-Z0-9]{2}"))
      throw new IllegalArgumentException("--prefix must be 2 of A-Z0-9");
  }
}
