package io.upsfleet.load;

import io.upsfleet.load.fleet.Member;
import io.upsfleet.load.fleet.Provisioner;
import io.upsfleet.load.notify.NotifySetup;
import io.upsfleet.load.notify.WebhookReceiver;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** The receiver and the API objects of S3 with notifications, for the whole run. */
record NotifyRun(WebhookReceiver receiver, NotifySetup setup) implements AutoCloseable {
  static NotifyRun start(GatewayOptions gw, Path devicesFile, Integer devices, int sites, int port)
      throws IOException, InterruptedException {
    List<Member> members = Provisioner.read(devicesFile);
    if (devices != null) members = members.subList(0, Math.min(devices, members.size()));
    WebhookReceiver receiver = WebhookReceiver.start(port);
    try {
      int total = members.size();
      NotifySetup setup =
          NotifySetup.prepare(
              gw.signIn(),
              members,
              sites,
              receiver,
              n -> Progress.line("[gateway] S3: %d/%d devices placed in sites", n, total));
      Progress.done();
      System.out.printf(
          "  [gateway] S3 notifications: receiver %s, %d devices in sites (%d moved now)%n",
          receiver.url(0).replace("/hook/0", ""), setup.siteOf().size(), setup.patched());
      return new NotifyRun(receiver, setup);
    } catch (RuntimeException | InterruptedException e) {
      receiver.close();
      throw e;
    }
  }

  @Override
  public void close() {
    setup.close();
    receiver.close();
  }
}
