package dev.failover.contract.topology;

/** One problem in a topology file: the path of the bad key and what is wrong with it. */
public record TopologyError(String path, String message) {

    @Override
    public String toString() {
        return path + ": " + message;
    }
}
