package io.graphagent.api;

/** The type of a program's messages; all messages of one program have the same type. */
public enum MessageType {
    /** 64-bit floating point: ranks, distances, dense vertex ids (exact below 2^53). */
    DOUBLE,
    /** 64-bit integers: counts, original vertex ids, bit sets. */
    LONG
}
