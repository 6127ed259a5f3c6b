package io.upsfleet.load;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The fleet simulator and load harness. {@code provision} registers devices through the API; {@code
 * fleet} keeps a living fleet connected (the demo's); {@code run} measures a scenario against the
 * gateway or against Mosquitto, or both alternately with the ratio ({@code --target both}); {@code
 * calibrate} records the machine's ceilings (S0) and {@code ladder} raises the rate to the knee
 * (S2).
 */
@Command(
    name = "upsfleet-load",
    mixinStandardHelpOptions = true,
    subcommands = {
      ProvisionCommand.class,
      FleetCommand.class,
      RunCommand.class,
      ReportCommand.class,
      NutCommand.class,
      CalibrateCommand.class,
      LadderCommand.class
    },
    description =
        "Simulated UPS fleets for upsfleet: provision, run a living fleet, measure scenarios.")
public final class Main implements Runnable {

  public static void main(String[] args) {
    System.exit(
        new CommandLine(new Main())
            .setExecutionExceptionHandler(
                (e, cl, parsed) -> {
                  if (!(e instanceof IllegalArgumentException)) throw e;
                  // a bad option or input: its message says which, without a stack trace
                  cl.getErr().println(cl.getColorScheme().errorText(e.getMessage()));
                  return cl.getCommandSpec().exitCodeOnInvalidInput();
                })
            .execute(args));
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  static double round1(double v) {
    return Math.round(v * 10) / 10.0;
  }

  static double round3(double v) {
    return Math.round(v * 1000) / 1000.0;
  }
}
