package io.upsfleet.api.client;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One request of {@code GET /api/v1/devices}: the filters the API supports ({@code status}, {@code
 * q} = serial prefix or model substring, {@code accountId}, {@code plan}, exact {@code model},
 * {@code firmwareOutdated}), the order ({@code sort}: {@code serial}, {@code -serial}, {@code
 * updatedAt}, {@code -updatedAt}, {@code model}, {@code -model}; null = the API's default, serial)
 * and a zero-based page. Null filters are left out.
 */
public record DeviceQuery(
    String status,
    String q,
    String accountId,
    String plan,
    String model,
    Boolean firmwareOutdated,
    String sort,
    int page,
    int size) {

  /** A query with only the status, search and account filters, in the API's default order. */
  public DeviceQuery(String status, String q, String accountId, int page, int size) {
    this(status, q, accountId, null, null, null, null, page, size);
  }

  /** The query parameters, in a stable order, without the empty ones. */
  public Map<String, String> parameters() {
    Map<String, String> m = new LinkedHashMap<>();
    if (status != null && !status.isBlank()) m.put("status", status);
    if (q != null && !q.isBlank()) m.put("q", q.trim());
    if (accountId != null && !accountId.isBlank()) m.put("accountId", accountId);
    if (plan != null && !plan.isBlank()) m.put("plan", plan);
    if (model != null && !model.isBlank()) m.put("model", model.trim());
    if (firmwareOutdated != null) m.put("firmwareOutdated", firmwareOutdated.toString());
    if (sort != null && !sort.isBlank()) m.put("sort", sort);
    m.put("page", Integer.toString(page));
    m.put("size", Integer.toString(size));
    return m;
  }
}
