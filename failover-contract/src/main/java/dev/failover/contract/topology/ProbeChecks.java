package dev.failover.contract.topology;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** The probes of a target and of its dependencies, and a group's thresholds. */
final class ProbeChecks {

    private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "OPTIONS");
    private static final int MAX_BODY_LIMIT_BYTES = 1024 * 1024;

    private final Findings f;

    ProbeChecks(Findings f) {
        this.f = f;
    }

    void probe(String path, ProbeSpec p) {
        if (p == null) {
            f.error(path, "is required");
            return;
        }
        if (p.intervalSeconds() < 1) {
            f.error(path + ".intervalSeconds", "must be at least 1, was " + p.intervalSeconds());
        }
        if (p.connectTimeoutMillis() < 1) {
            f.error(path + ".connectTimeoutMillis", "must be positive, was " + p.connectTimeoutMillis());
        }
        if (p.timeoutMillis() < 1) {
            f.error(path + ".timeoutMillis", "must be positive, was " + p.timeoutMillis());
        } else if (p.intervalSeconds() >= 1 && p.timeoutMillis() > p.intervalSeconds() * 1000L) {
            f.error(path + ".timeoutMillis", "(" + p.timeoutMillis() + ") must not exceed the interval ("
                    + p.intervalSeconds() + " s), or probes of one target would overlap");
        }
        if (p.maxLatencyMillis() != null && p.maxLatencyMillis() < 1) {
            f.error(path + ".maxLatencyMillis", "must be positive, was " + p.maxLatencyMillis());
        }
        p.match(http -> {
            httpProbe(path, http);
            return null;
        }, tcp -> {
            tcpProbe(path, tcp);
            return null;
        }, dns -> {
            dnsProbe(path, dns);
            return null;
        });
    }

    void httpProbe(String path, HttpProbe p) {
        if (p.url() == null) {
            f.error(path + ".url", "is required for an http probe");
        } else {
            httpUrlProblem(p.url()).ifPresent(problem -> f.error(path + ".url", "not a valid URL: " + problem));
        }
        if (!METHODS.contains(p.method())) {
            f.error(path + ".method", "'" + p.method() + "' is not one of " + METHODS);
        }
        for (int i = 0; i < p.expectedStatus().size(); i++) {
            try {
                StatusRanges.parseOne(p.expectedStatus().get(i));
            } catch (IllegalArgumentException e) {
                f.error(path + ".expectedStatus[" + i + "]", e.getMessage());
            }
        }
        if (p.bodyRegex() != null) {
            try {
                Pattern.compile(p.bodyRegex());
            } catch (PatternSyntaxException e) {
                f.error(path + ".bodyRegex", "not a valid regular expression: " + e.getDescription());
            }
        }
        if (p.bodyLimitBytes() < 1 || p.bodyLimitBytes() > MAX_BODY_LIMIT_BYTES) {
            f.error(path + ".bodyLimitBytes",
                    "must be between 1 and " + MAX_BODY_LIMIT_BYTES + ", was " + p.bodyLimitBytes());
        }
        if (p.hostHeader() != null && !Findings.validHost(p.hostHeader())) {
            f.error(path + ".hostHeader", "'" + p.hostHeader() + "' is not a host name");
        }
    }

    /** What makes a URL unfit for an http probe (it must be http or https, with a host); empty when it is fit. */
    public static Optional<String> httpUrlProblem(String url) {
        try {
            URI uri = new URI(url);
            if (!"http".equalsIgnoreCase(uri.getScheme()) && !"https".equalsIgnoreCase(uri.getScheme())) {
                return Optional.of("scheme must be http or https");
            }
            return uri.getHost() == null ? Optional.of("it has no host") : Optional.empty();
        } catch (URISyntaxException e) {
            return Optional.of(e.getReason());
        }
    }

    void tcpProbe(String path, TcpProbe p) {
        f.host(path + ".host", p.host(), "is required for a tcp probe");
        if (p.port() == null) {
            f.error(path + ".port", "is required for a tcp probe");
        } else {
            f.port(path + ".port", p.port());
        }
    }

    void dnsProbe(String path, DnsProbe p) {
        if (p.name() == null || p.name().isBlank()) {
            f.error(path + ".name", "is required for a dns probe: the name to resolve");
        } else if (!Findings.validHost(p.name())) {
            f.error(path + ".name", "'" + p.name() + "' is not a DNS name");
        }
        f.host(path + ".resolver", p.resolver(),
                "is required for a dns probe: the resolver to ask (an IP address or host "
                        + "name)");
        f.port(path + ".port", p.port());
        for (int i = 0; i < p.expect().size(); i++) {
            String address = p.expect().get(i);
            boolean v4 = address != null && address.matches("\\d{1,3}(\\.\\d{1,3}){3}");
            boolean six = p.recordType() == DnsProbe.AddressType.AAAA;
            if (address == null || !Findings.isIpLiteral(address) || six == v4) {
                f.error(path + ".expect[" + i + "]", "'" + address + "' is not an IPv" + (six ? 6 : 4)
                        + " address (recordType " + p.recordType() + ")");
            }
        }
    }

    void dependencies(String path, List<Dependency> dependencies) {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < dependencies.size(); i++) {
            String dpath = path + "[" + i + "]";
            Dependency d = dependencies.get(i);
            if (d == null) {
                f.error(dpath, "must not be empty");
                continue;
            }
            if (f.id(dpath + ".id", d.id()) && !ids.add(d.id())) {
                f.error(dpath + ".id", "duplicate dependency id '" + d.id() + "' in this target");
            }
            probe(dpath + ".probe", d.probe());
        }
    }

    void thresholds(String path, Thresholds t, int locationCount) {
        if (t.failuresToDown() < 1) {
            f.error(path + ".failuresToDown", "must be at least 1, was " + t.failuresToDown());
        }
        if (t.successesToUp() < 1) {
            f.error(path + ".successesToUp", "must be at least 1, was " + t.successesToUp());
        }
        if (t.quorum() != null && (t.quorum() < 1 || t.quorum() > locationCount)) {
            f.error(path + ".quorum",
                    "must be between 1 and the number of locations (" + locationCount + "), was " + t.quorum());
        }
        if (t.minDwellSeconds() < 0) {
            f.error(path + ".minDwellSeconds", "must not be negative, was " + t.minDwellSeconds());
        }
        if (t.maxSwitchesPerHour() < 1) {
            f.error(path + ".maxSwitchesPerHour", "must be at least 1, was " + t.maxSwitchesPerHour());
        }
        if (t.flapWindow() < 2 || t.flapWindow() > 200) {
            f.error(path + ".flapWindow", "must be between 2 and 200 results, was " + t.flapWindow());
        } else if (t.flapTransitions() < 0 || t.flapTransitions() >= t.flapWindow()) {
            f.error(path + ".flapTransitions",
                    "must be between 0 (off) and flapWindow - 1 (" + (t.flapWindow() - 1) + "), was "
                            + t.flapTransitions());
        }
    }

}
