package io.upsfleet.cluster;

/**
 * Marker for every message, event and state that may cross nodes or be persisted. Bound to Pekko's
 * Jackson CBOR serializer in {@code reference.conf}; Java serialization is never used.
 */
public interface CborSerializable {}
