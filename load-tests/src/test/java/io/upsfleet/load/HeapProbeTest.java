package io.upsfleet.load;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class HeapProbeTest {
  @Test
  void readsTheLiveBytesOfAClassHistogram() {
    String histogram =
        "8424:\n num     #instances         #bytes  class name (module)\n"
            + "-------------------------------------------------------\n"
            + "   1:        558505       31566440  [B (java.base@17.0.15)\n"
            + "   2:         19500        2808000  io.upsfleet.cluster.device.UpsDeviceBehavior\n"
            + "Total      11207662      464173496\n";
    assertEquals(464173496L, HeapProbe.parseLive(histogram));
    assertEquals(-1, HeapProbe.parseLive("8424:\nAttachNotSupportedException"));
  }
}
