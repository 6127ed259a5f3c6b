package io.upsfleet.api.rest;

import java.util.List;

/**
 * A page of results: zero-based {@code page}, its {@code size}, and the {@code total} number of
 * matches.
 */
public record PageView<T>(List<T> items, int page, int size, long total) {}
