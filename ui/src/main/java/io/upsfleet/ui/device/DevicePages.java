package io.upsfleet.ui.device;

import io.upsfleet.api.client.DeviceQuery;
import io.upsfleet.api.rest.DeviceSummary;
import io.upsfleet.api.rest.PageView;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Serves a lazy grid's {@code (offset, limit)} window from the API's fixed-size pages: it asks only
 * for the pages that overlap the window (never the whole fleet) and remembers the total of the last
 * answer, so the grid's count needs no extra call after the first page. Not thread-safe: one per
 * grid, UI thread.
 */
final class DevicePages {
  /** The page size asked of the API; the grid's page size should match it. */
  static final int PAGE_SIZE = 50;

  private final Function<DeviceQuery, PageView<DeviceSummary>> api;
  private DeviceFilter filter;
  private long lastTotal = -1;

  DevicePages(Function<DeviceQuery, PageView<DeviceSummary>> api, DeviceFilter filter) {
    this.api = api;
    this.filter = filter;
  }

  void setFilter(DeviceFilter filter) {
    this.filter = filter;
    this.lastTotal = -1;
  }

  /** Changes only the order: the number of matches stays known. */
  void setSort(String sort) {
    this.filter = filter.withSort(sort);
  }

  DeviceFilter filter() {
    return filter;
  }

  /**
   * The devices at {@code [offset, offset + limit)} of the filtered list, in the filter's order.
   */
  List<DeviceSummary> window(int offset, int limit) {
    List<DeviceSummary> out = new ArrayList<>(limit);
    if (limit <= 0) return out;
    int firstPage = offset / PAGE_SIZE;
    int lastPage = (offset + limit - 1) / PAGE_SIZE;
    for (int p = firstPage; p <= lastPage; p++) {
      PageView<DeviceSummary> page = api.apply(filter.page(p, PAGE_SIZE));
      lastTotal = page.total();
      List<DeviceSummary> items = page.items();
      int from = p == firstPage ? offset - p * PAGE_SIZE : 0;
      for (int i = from; i < items.size() && out.size() < limit; i++) out.add(items.get(i));
      if (items.size() < PAGE_SIZE || (long) (p + 1) * PAGE_SIZE >= lastTotal)
        break; // the end of the list
    }
    return out;
  }

  /**
   * How many devices match; one one-row call unless a page was fetched since the filter changed.
   */
  int count() {
    if (lastTotal < 0) lastTotal = api.apply(filter.page(0, 1)).total();
    return (int) Math.min(Integer.MAX_VALUE, lastTotal);
  }
}
