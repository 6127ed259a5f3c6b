package io.upsfleet.ui.gateway;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One request of {@code GET /api/v1/devices}: the filters the API supports ({@code status}, {@code q} = serial
 * prefix or model substring, {@code accountId}) and a zero-based page. Null filters are left out.
 */
public record DeviceQuery(String status, String q, String accountId, int page, int size) {

  /** The query parameters, in a stable order, without the empty ones. */
  public Map<String, String> parameters() {
    Map<String, String> m = new LinkedHashMap<>();
    if (status != null && !status.isBlank()) m.put("status", status);
    if (q != null && !q.isBlank()) m.put("q", q.trim());
    if (accountId != null && !accountId.isBlank()) m.put("accountId", accountId);
    m.put("page", Integer.toString(page));
    m.put("size", Integer.toString(size));
    return m;
  }
}
