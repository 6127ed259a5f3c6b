package io.upsfleet.ui.device;

import com.vaadin.flow.router.QueryParameters;
import io.upsfleet.ui.gateway.DeviceQuery;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The device list's filters, as the API can apply them, and their shareable form in the URL
 * ({@code devices?status=ON_BATTERY&q=AS10&account=…}). Unknown or malformed URL values are dropped, so a
 * hand-edited link still opens. Immutable.
 *
 * @param status one of {@link #STATUSES} or null
 * @param search serial prefix or model substring (the API's {@code q}), or null
 * @param accountId an account's id (support only), or null for every account
 */
public record DeviceFilter(String status, String search, String accountId) {
  /** The status filters of {@code GET /api/v1/devices}. */
  public static final List<String> STATUSES = List.of("ONLINE", "OFFLINE", "CONNECTION_LOST", "ON_BATTERY",
      "LOW_BATTERY", "REPLACE_BATTERY", "OVERLOAD", "TEMPERATURE_HIGH");
  private static final Set<String> KNOWN = Set.copyOf(STATUSES);
  private static final String UUID = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}";

  public static final DeviceFilter NONE = new DeviceFilter(null, null, null);

  public DeviceFilter {
    status = status != null && KNOWN.contains(status) ? status : null;
    search = search == null || search.isBlank() ? null : search.trim();
    if (search != null && search.length() > 64) search = search.substring(0, 64);
    accountId = accountId != null && accountId.matches(UUID) ? accountId : null;
  }

  public static DeviceFilter fromUrl(QueryParameters qp) {
    Map<String, List<String>> p = qp.getParameters();
    return new DeviceFilter(first(p, "status"), first(p, "q"), first(p, "account"));
  }

  public QueryParameters toUrl() {
    return QueryParameters.simple(ordered());
  }

  /** The URL query in a stable order (status, q, account), empty without filters: the shareable form. */
  public String queryString() {
    return ordered().entrySet().stream()
        .map(e -> e.getKey() + "=" + java.net.URLEncoder.encode(e.getValue(), java.nio.charset.StandardCharsets.UTF_8))
        .collect(java.util.stream.Collectors.joining("&"));
  }

  private Map<String, String> ordered() {
    Map<String, String> m = new LinkedHashMap<>();
    if (status != null) m.put("status", status);
    if (search != null) m.put("q", search);
    if (accountId != null) m.put("account", accountId);
    return m;
  }

  /** The API request for one page under this filter. */
  public DeviceQuery page(int page, int size) {
    // The API's q is a serial prefix (serials are upper case) or a model substring.
    return new DeviceQuery(status, search == null ? null : search.toUpperCase(java.util.Locale.ROOT), accountId,
        page, size);
  }

  public DeviceFilter withStatus(String s) {
    return new DeviceFilter(s, search, accountId);
  }

  public DeviceFilter withSearch(String s) {
    return new DeviceFilter(status, s, accountId);
  }

  public DeviceFilter withAccount(String a) {
    return new DeviceFilter(status, search, a);
  }

  private static String first(Map<String, List<String>> p, String key) {
    List<String> v = p.get(key);
    return v == null || v.isEmpty() ? null : v.get(0);
  }
}
