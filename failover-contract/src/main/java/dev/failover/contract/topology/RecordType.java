package dev.failover.contract.topology;

public enum RecordType {
    A,
    AAAA,
    CNAME
}
