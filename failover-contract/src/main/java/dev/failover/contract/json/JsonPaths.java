package dev.failover.contract.json;

import com.fasterxml.jackson.databind.JsonMappingException;

/** Jackson's reference chain written the way operators read keys: {@code groups[0].targets[1].probe}. */
public final class JsonPaths {

    private JsonPaths() {
    }

    /** The path of a mapping error, or an empty string at the root. */
    public static String of(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                if (!path.isEmpty()) {
                    path.append('.');
                }
                path.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.toString();
    }
}
