package dev.failover.contract.event;

/** An event that cannot be read. The message names the field and is what the dead-letter record carries. */
public class EventDecodingException extends RuntimeException {

    public EventDecodingException(String message, Throwable cause) {
        super(message, cause);
    }

    public EventDecodingException(String message) {
        super(message);
    }
}
