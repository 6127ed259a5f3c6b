package io.upsfleet.load;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class HeapProbeTest {
  @Test
  void readsTheUsedHeapOfG1() {
    String g1 =
        "4105:\n garbage-first heap   total 3266560K, used 233640K [0x0000000700000000, 0x0000000800000000)\n"
            + "  region size 2048K, 5 young (10240K), 3 survivors (6144K)\n";
    assertEquals(233640L * 1024, HeapProbe.parseUsed(g1));
  }

  @Test
  void readsTheUsedHeapOfZgc() {
    String zgc =
        "4105:\n ZHeap           used 2662M, capacity 4042M, max capacity 4096M\n Metaspace       used 92074K\n";
    assertEquals(2662L * 1024 * 1024, HeapProbe.parseUsed(zgc));
  }

  @Test
  void anythingElseIsUnknown() {
    assertEquals(-1, HeapProbe.parseUsed("4105:\nAttachNotSupportedException"));
    // Parallel reports its generations apart: not one figure for the heap.
    assertEquals(
        -1,
        HeapProbe.parseUsed(
            " PSYoungGen      total 611840K, used 10485K\n ParOldGen       total 1398272K, used 120000K\n"));
  }
}
