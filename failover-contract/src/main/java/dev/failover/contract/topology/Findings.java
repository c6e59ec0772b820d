package dev.failover.contract.topology;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** What the topology's checks found, and the small checks every section uses: ids, hosts, ports. */
final class Findings {

    static final Pattern ID = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    static final Pattern HOST_LABEL = Pattern.compile("(?!-)[A-Za-z0-9_-]{1,63}(?<!-)");
    /** A region's name as AWS writes them (us-east-1, eu-central-2, us-gov-west-1); the actuator checks it has a client. */
    static final Pattern AWS_REGION_NAME = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)+");
    static final Pattern IAM_ROLE_ARN = Pattern.compile("arn:aws[a-z-]*:iam::\\d{12}:role/[\\w+=,.@/-]{1,512}");

    private final List<TopologyError> errors = new ArrayList<>();

    /** Every finding so far, in the order found. */
    List<TopologyError> errors() {
        return List.copyOf(errors);
    }

    void error(String path, String message) {
        errors.add(new TopologyError(path, message));
    }

    boolean id(String path, String value) {
        if (value == null || value.isBlank()) {
            error(path, "is required");
            return false;
        }
        if (!ID.matcher(value).matches()) {
            error(path, "'" + value + "' must be lower-case letters, digits and dashes (at most 63)");
            return false;
        }
        return true;
    }

    void required(String path, String value) {
        if (value == null || value.isBlank()) {
            error(path, "is required");
        }
    }

    /** A host to reach (a resolver's, a tcp probe's): a host name or an IP literal. */
    void host(String path, String address, String whenMissing) {
        if (address == null || address.isBlank()) {
            error(path, whenMissing);
        } else if (!validHost(address) && !isIpLiteral(address)) {
            error(path, "'" + address + "' is not a host name or IP address");
        }
    }

    void port(String path, int port) {
        if (port < 1 || port > 65535) {
            error(path, "must be between 1 and 65535, was " + port);
        }
    }

    boolean hostName(String path, String value) {
        if (value == null || value.isBlank()) {
            error(path, "is required");
            return false;
        }
        if (!validHost(value)) {
            error(path, "'" + value + "' is not a valid DNS name");
            return false;
        }
        return true;
    }

    /** Prometheus alert names: a metric name's characters. */
    void alertNames(String path, List<String> names) {
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            if (name == null || !name.matches("[a-zA-Z_][a-zA-Z0-9_]*")) {
                error(path + "[" + i + "]",
                        "'" + name + "' is not an alert name (letters, digits and _, not first a digit)");
            }
        }
    }

    /** Only the shape: the decision-service, which owns the scheduler, parses the expression fully. */
    void cron(String path, String cron) {
        if (cron == null) {
            error(path, "is required");
            return;
        }
        int fields = cron.trim().split("\\s+").length;
        if (fields < 6 || fields > 7) {
            error(path, "'" + cron
                    + "' is not a Quartz cron expression (6 or 7 fields: sec min hour day month weekday [year])");
        }
    }

    static boolean validHost(String name) {
        String n = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
        if (n.isEmpty() || n.length() > 253) {
            return false;
        }
        for (String label : n.split("\\.", -1)) {
            if (!HOST_LABEL.matcher(label).matches()) {
                return false;
            }
        }
        return true;
    }

    static boolean withinZone(String name, String zone) {
        String n = absolute(name);
        String z = absolute(zone);
        return n.equals(z) || n.endsWith("." + z);
    }

    static String absolute(String name) {
        String lower = name.toLowerCase(java.util.Locale.ROOT);
        return lower.endsWith(".") ? lower : lower + ".";
    }

    static boolean isIpLiteral(String value) {
        return parseIp(value) != null;
    }

    /** Parses an IP literal without ever resolving a name. */
    static InetAddress parseIp(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        boolean v4 = value.matches("\\d{1,3}(\\.\\d{1,3}){3}");
        boolean v6 = value.contains(":") && value.matches("[0-9A-Fa-f:.]+");
        if (!v4 && !v6) {
            return null;
        }
        if (v4) {
            for (String part : value.split("\\.")) {
                if (Integer.parseInt(part) > 255) {
                    return null;
                }
            }
        }
        try {
            return InetAddress.getByName(value);
        } catch (java.net.UnknownHostException e) {
            return null;
        }
    }

}
