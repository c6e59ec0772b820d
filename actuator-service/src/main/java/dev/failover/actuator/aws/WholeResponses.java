package dev.failover.actuator.aws;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * Every AWS client of the actuator reads an answer's body whole or fails the call. A connection closed after the
 * headers and before the {@code Content-Length} bytes (a proxy or load balancer dropping it, an endpoint going away
 * mid-answer) ends the body quietly on JDK 17's {@code HttpURLConnection}, and the SDK reads an empty JSON or CBOR body
 * as an empty answer: a listing of a Region switch plan's executions would say "none" and a pass would start the plan
 * a second time for one decision (ADR 0028's one execution per decision). Cut, the call fails as a client-side error,
 * which the reconcile loop tries again ({@link AwsFailure}: passing).
 */
public final class WholeResponses implements ExecutionInterceptor {

    public static final WholeResponses INSTANCE = new WholeResponses();

    private WholeResponses() {
    }

    @Override
    public Optional<InputStream> modifyHttpResponseContent(Context.ModifyHttpResponse context,
            ExecutionAttributes executionAttributes) {
        Optional<InputStream> body = context.responseBody();
        // a compressed body's length is not the length read here; none of the actuator's APIs is asked for one
        boolean identity = context.httpResponse().firstMatchingHeader("Content-Encoding")
                .map(encoding -> encoding.isBlank() || encoding.equalsIgnoreCase("identity")).orElse(true);
        Optional<Long> promised = context.httpResponse().firstMatchingHeader("Content-Length")
                .flatMap(WholeResponses::length);
        if (body.isEmpty() || promised.isEmpty() || !identity) {
            return body;
        }
        return Optional.of(new Counted(body.get(), promised.get()));
    }

    private static Optional<Long> length(String header) {
        try {
            return Optional.of(Long.parseLong(header.trim()));
        } catch (NumberFormatException e) {
            return Optional.empty(); // not a length: the HTTP client has refused it already, or reads to the end
        }
    }

    /** A body that fails at its end when fewer bytes came than its header promised. */
    private static final class Counted extends FilterInputStream {

        private final long promised;
        private long read;

        Counted(InputStream in, long promised) {
            super(in);
            this.promised = promised;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            counted(b < 0 ? -1 : 1);
            return b;
        }

        @Override
        public int read(byte[] bytes, int offset, int length) throws IOException {
            int n = super.read(bytes, offset, length);
            counted(length == 0 ? 0 : n);
            return n;
        }

        @Override
        public boolean markSupported() {
            return false; // a reset would count bytes twice
        }

        @Override
        public synchronized void mark(int limit) {
            // not supported (markSupported): nothing to remember
        }

        @Override
        public synchronized void reset() throws IOException {
            throw new IOException("mark/reset not supported: the body is counted as it is read");
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(n);
            read += skipped;
            return skipped;
        }

        private void counted(int n) throws IOException {
            if (n < 0) {
                if (read < promised) {
                    throw new IOException("the answer was cut: " + read + " of the " + promised
                            + " bytes its Content-Length promised came before the connection closed");
                }
                return;
            }
            read += n;
        }
    }
}
