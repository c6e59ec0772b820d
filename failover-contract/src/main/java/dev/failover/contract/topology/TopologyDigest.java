package dev.failover.contract.topology;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * A short digest of what a topology means, for telling at a glance whether every instance of the plane runs the same
 * one ({@code failover_topology_info{digest}}, alert FailoverTopologiesDiffer). Taken over the loaded model, not the
 * file: comments, key order, quoting and defaults written out or left implicit do not change it; any value that changes
 * what the plane does does. Two releases may digest the same file differently (a default they fill in differs), so the
 * digests are compared per version ({@code failover_topology_info{version}}).
 */
public final class TopologyDigest {

    /** Hex characters kept: 48 bits, plenty to tell a handful of versions of one file apart. */
    static final int LENGTH = 12;

    private static final ObjectMapper CANONICAL = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            // a key a newer release adds, absent from the file, does not change the digest of the same file
            .serializationInclusion(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
            .build();

    private TopologyDigest() {
    }

    public static String of(Topology topology) {
        try {
            byte[] canonical = CANONICAL.writeValueAsString(topology).getBytes(StandardCharsets.UTF_8);
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical)).substring(0,
                    LENGTH);
        } catch (JsonProcessingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot digest the topology: " + e.getMessage(), e);
        }
    }
}
