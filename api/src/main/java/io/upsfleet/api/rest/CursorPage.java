package io.upsfleet.api.rest;

import java.util.List;

/**
 * A page of a feed sorted newest first: {@code next} is the cursor of the following (older) page,
 * passed as {@code after}; null on the last page. Paging by cursor stays stable while new records
 * arrive.
 */
public record CursorPage<T>(List<T> items, String next) {}
